-- wrk script for the registration rush: every request registers a different
-- person. Run by bench_registration.py:
--
--   wrk -t T -c C -d MAXs -s register.lua URL -- MODE PEOPLE ATTEMPTS T PAGE DONE
--
-- MODE "api":  POST URL with "Authorization: Token <key>" (PEOPLE lines: key).
-- MODE "form": POST URL as the signed-in person's browser does when they click
--              "Anmäl dig": session cookie, CSRF cookie and header (PEOPLE lines:
--              "session csrf"); then GET PAGE, where the redirect leads, with the
--              same cookies and the message cookie the answer set.
-- Thread i takes every T-th person from i; once ATTEMPTS registrations have
-- been answered in all, each thread stops. The few requests still in flight on
-- a thread's other connections use spare people (PEOPLE holds more lines than
-- ATTEMPTS), so no person registers twice. A thread that is through appends a
-- line to the file DONE; wrk itself runs until MAX seconds or SIGINT, which
-- the benchmark sends once every thread is through. done() prints one JSON line.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local mode, page, marker, people, quota, next_person, follow, through
posts, finished, statuses = 0, 0, {}

function init(args)
  mode, page, marker = args[1], args[5], args[6]
  local attempts, nthreads = tonumber(args[3]), tonumber(args[4])
  local all = {}
  for line in io.lines(args[2]) do all[#all + 1] = line end
  people = {}
  for i = id + 1, #all, nthreads do people[#people + 1] = all[i] end
  quota = math.floor(attempts / nthreads)
  if id < attempts % nthreads then quota = quota + 1 end
  next_person, follow, through = 1, {}, false
end

local function finish()
  if not through then
    through = true
    local file = io.open(marker, "a")
    file:write("through\n")
    file:close()
  end
  wrk.thread:stop()
end

local function cookies(line, extra)
  local session, csrf = line:match("^(%S+)%s+(%S+)$")
  local jar = "sessionid=" .. session .. "; csrftoken=" .. csrf
  if extra then jar = jar .. "; " .. extra end
  return jar, csrf
end

function request()
  if #follow > 0 then
    local after = table.remove(follow, 1)
    local jar = cookies(after[1], after[2])
    return wrk.format("GET", page, { ["Cookie"] = jar })
  end
  if quota == 0 then finish() end
  local line = people[next_person] or people[#people]
  next_person = next_person + 1
  posts = posts + 1
  if mode == "api" then
    return wrk.format("POST", nil, { ["Authorization"] = "Token " .. line })
  end
  local jar, csrf = cookies(line)
  return wrk.format("POST", nil, {
    ["Cookie"] = jar,
    ["X-CSRFToken"] = csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Content-Length"] = "0",
  })
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if mode == "form" and status == 302 then
    -- The registration answered; the page it leads to ends it. Which person
    -- this was is not known here: the page is read with the next person's
    -- browser in line, which sees the same page.
    local message = nil
    local set = headers["Set-Cookie"]
    if set then message = set:match("^(messages=[^;]*)") end
    follow[#follow + 1] = { people[math.max(next_person - 1, 1)], message }
    return
  end
  finished = finished + 1
  if finished >= quota then finish() end
end

function done(summary, latency, requests)
  local totals, sent = {}, 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("posts")
    for key, count in pairs(thread:get("statuses")) do
      totals[key] = (totals[key] or 0) + count
    end
  end
  local parts = {}
  for key, count in pairs(totals) do
    parts[#parts + 1] = string.format('"%s": %d', key, count)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"posts": %d, "responses": %d, "seconds": %.3f, "p50_ms": %.1f, '
      .. '"p99_ms": %.1f, "statuses": {%s}, "socket_errors": %d}\n',
    sent, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(parts, ", "),
    errors.connect + errors.read + errors.write + errors.timeout))
end
