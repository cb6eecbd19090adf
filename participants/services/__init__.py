"""Every state change of the registry goes through a function in this package.

ledger: contributions, yield and payouts (the maintained balance).
guards: attempt counters and blocks shared by KPJ entry, activation and selfies.
audit: immutable records of staff actions.
"""
