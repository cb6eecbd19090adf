"""Password hashing: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane).

Django's own PBKDF2 default (1,000,000 SHA-256 rounds) costs about 0.3 s of CPU a
login here; under a morning's login burst that, not the portal, was the queue
(`make bench-load`: token p95 6 s at 60 members). Argon2id at these settings costs
about 22 ms and, being memory-hard, is costlier to attack on GPUs than PBKDF2.
Stored PBKDF2 hashes keep working and are rehashed at the next login (Django
upgrades a hash whose algorithm or parameters differ from the first hasher's).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
