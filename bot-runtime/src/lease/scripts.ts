// The lease's Redis scripts. Each runs atomically on the server, so "check the holder, then act"
// cannot interleave with another runtime's command.

/**
 * KEYS[1] lease key, KEYS[2] fencing counter; ARGV[1] holder id, ARGV[2] ttl ms.
 * Takes the lease if free (SET NX PX) and returns a NEW fencing token (INCR, never reused: the
 * counter has no TTL). A holder whose key is still there (its local clock gave up first, e.g.
 * while Redis was unreachable) re-takes it with a new token too. Returns 0 when someone else holds it.
 */
export const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return redis.call('INCR', KEYS[2])
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
