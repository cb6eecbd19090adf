-- The read mix of `make bench-api`: the four reads a mobile app polls, in turn.
-- wrk sends the participant's token from its -H option with every request.
local paths = {
  "/api/v1/balance/",
  "/api/v1/claims/",
  "/api/v1/me/",
  "/api/v1/biometrics/status/",
}
local i = 0

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
