// The lease's Redis scripts. Each runs atomically on the server, so "check the holder, then act"
// cannot interleave with another runtime's command.

/**
 * KEYS[1] lease key, KEYS[2] fencing counter; ARGV[1] holder id, ARGV[2] ttl ms, ARGV[3] token
 * floor (the newest token the trade store has seen, 0 if unknown).
 * Takes the lease if free (SET NX PX) and returns a NEW fencing token (INCR, never reused: the
 * counter has no TTL). A holder whose key is still there (its local clock gave up first, e.g.
 * while Redis was unreachable) re-takes it with a new token too. Returns 0 when someone else holds it.
 * The floor heals a counter that went backwards (a Redis restarted without persistence, a failover
 * to a replica that missed the INCR): the token is raised above every token the store's fence has
 * seen, else every intent of the new holder would be refused as FENCED forever.
 */
export const ACQUIRE = `
local function token()
  local t = redis.call('INCR', KEYS[2])
  local floor = tonumber(ARGV[3] or '0') or 0
  if t <= floor then
    t = floor + 1
    redis.call('SET', KEYS[2], t)
  end
  return t
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return token()
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return token()
end
return 0`;

/** KEYS[1] lease key; ARGV[1] holder id, ARGV[2] ttl ms. Extends only the holder's own lease: 1, else 0. */
export const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] lease key; ARGV[1] holder id. Deletes only the holder's own lease: 1, else 0. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;
