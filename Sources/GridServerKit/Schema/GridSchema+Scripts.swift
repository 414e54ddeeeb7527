extension GridSchema {
/// The Lua scripts that make each grid operation atomic in Redis. Each touches keys of one grid
/// (one hash tag) only, passed in KEYS, so it runs on that grid's Cluster slot.
public enum Scripts {
    /// Lua: a `CellRecord` (`version \t at \t user \t s|c \t value`) as its five fields, or
    /// those of a never-written cell for none (HGET's and HMGET's `false`).
    static let cellRecord = """
        local function cellRecord(cur)
          if not cur then return '0-0', '0', '', 'c', '' end
          local p1 = string.find(cur, '\\t', 1, true)
          local p2 = string.find(cur, '\\t', p1 + 1, true)
          local p3 = string.find(cur, '\\t', p2 + 1, true)
          local p4 = string.find(cur, '\\t', p3 + 1, true)
          return string.sub(cur, 1, p1 - 1), string.sub(cur, p1 + 1, p2 - 1), string.sub(cur, p2 + 1, p3 - 1),
            string.sub(cur, p3 + 1, p4 - 1), string.sub(cur, p4 + 1)
        end
        """

    /// The sequencer: drops a duplicate op id, then applies the conflict rule (first committed
    /// write wins) and appends either the write or a conflict event to the log.
    ///
    /// KEYS: log, cells, ops, opsByVersion, contested, first, ready, legacyOps.
    /// ARGV: op, kind (set|clear|resolve), cell, value, base, user, session, server, now-ms,
    /// resend (1 or 0).
    /// Returns {"notready", ""} while the grid's state is not (re)built; {"unknown", ""} for a
    /// resend whose op id Redis does not know (nothing is written: MySQL is asked first); else
    /// {"dup"|"new", outcome}, outcome an `OutcomeRecord`. Writes a `CellRecord` and a `LogRecord`.
    public static let sequence = RedisScript(
        """
        \(cellRecord)
        if redis.call('EXISTS', KEYS[7]) == 0 then return {'notready', ''} end
        local done = redis.call('HGET', KEYS[3], ARGV[1]) or redis.call('HGET', KEYS[8], ARGV[1])
        if done then return {'dup', done} end
        if ARGV[10] == '1' then return {'unknown', ''} end
        local ver, at, by, kind, val = cellRecord(redis.call('HGET', KEYS[2], ARGV[3]))
        local common = {'c', ARGV[3], 'b', ARGV[5], 'u', ARGV[6], 's', ARGV[7], 'srv', ARGV[8], 'op', ARGV[1], 't', ARGV[9]}
        local fields
        local id
        local outcome
        if ARGV[2] == 'resolve' then
          fields = {'k', 'resolve'}
          for _, f in ipairs(common) do table.insert(fields, f) end
          id = redis.call('XADD', KEYS[1], '*', unpack(fields))
          redis.call('HDEL', KEYS[5], ARGV[3])
          outcome = 'a\\t' .. id
        elseif ver == ARGV[5] then
          fields = {'k', ARGV[2]}
          for _, f in ipairs(common) do table.insert(fields, f) end
          local flag = 'c'
          local newval = ''
          if ARGV[2] == 'set' then
            table.insert(fields, 'v'); table.insert(fields, ARGV[4])
            flag = 's'
            newval = ARGV[4]
          end
          if kind == 's' then table.insert(fields, 'old'); table.insert(fields, val) end
          id = redis.call('XADD', KEYS[1], '*', unpack(fields))
          redis.call('HSET', KEYS[2], ARGV[3], id .. '\\t' .. ARGV[9] .. '\\t' .. ARGV[6] .. '\\t' .. flag .. '\\t' .. newval)
          redis.call('HDEL', KEYS[5], ARGV[3])
          outcome = 'a\\t' .. id
        else
          fields = {'k', 'conflict'}
          for _, f in ipairs(common) do table.insert(fields, f) end
          if ARGV[2] == 'set' then table.insert(fields, 'v'); table.insert(fields, ARGV[4]) end
          for _, f in ipairs({'wv', ver, 'wt', at, 'wu', by, 'wk', kind}) do table.insert(fields, f) end
          if kind == 's' then table.insert(fields, 'wval'); table.insert(fields, val) end
          id = redis.call('XADD', KEYS[1], '*', unpack(fields))
          redis.call('HSET', KEYS[5], ARGV[3], id)
          outcome = 'c\\t' .. id .. '\\t' .. ver .. '\\t' .. at .. '\\t' .. by .. '\\t' .. kind .. '\\t' .. val
        end
        redis.call('HSET', KEYS[3], ARGV[1], outcome)
        local dash = string.find(id, '-', 1, true)
        redis.call('ZADD', KEYS[4], string.sub(id, 1, dash - 1) .. string.format('%03d', math.min(tonumber(string.sub(id, dash + 1)), 999)), ARGV[1])
        redis.call('SET', KEYS[6], id, 'NX')
        return {'new', outcome}
        """
    )

    /// The multi-cell sequencer: all or nothing. Drops a duplicate op id like `sequence`; then if
    /// every cell's base is its current version, writes all of them at one version as one `multi`
    /// entry; otherwise writes nothing but one `multi.conflict` entry naming the cells that moved,
    /// with their winners, and marks only those contested.
    ///
    /// KEYS: as `sequence`. ARGV: op, user, session, server, now-ms, resend (1 or 0), label,
    /// group (may be empty), range, then per cell: cell, base, new state (`s` + value, or `c`).
    /// Returns what `sequence` returns; a lost edit's outcome is `m \t id \t` + moved cells.
    /// Cells are read and written in chunks: Lua's `unpack` takes a few thousand values at most.
    public static let sequenceMulti = RedisScript(
        """
        \(cellRecord)
        if redis.call('EXISTS', KEYS[7]) == 0 then return {'notready', ''} end
        local done = redis.call('HGET', KEYS[3], ARGV[1]) or redis.call('HGET', KEYS[8], ARGV[1])
        if done then return {'dup', done} end
        if ARGV[6] == '1' then return {'unknown', ''} end
        local n = (#ARGV - 9) / 3
        local function ns(s) return #s .. ':' .. s end
        local names = {}
        for i = 1, n do names[i] = ARGV[7 + 3 * i] end
        local current = {}
        for from = 1, n, 1000 do
          local got = redis.call('HMGET', KEYS[2], unpack(names, from, math.min(n, from + 999)))
          for j = 1, #got do current[from + j - 1] = got[j] end
        end
        local moved = {}
        local isMoved = {}
        local olds = {}
        for i = 1, n do
          local ver, at, by, kind, val = cellRecord(current[i])
          local old = 'c'
          if kind == 's' then old = 's' .. val end
          olds[i] = old
          if ver ~= ARGV[8 + 3 * i] then
            isMoved[i] = true
            table.insert(moved, ns(names[i]) .. ns(ARGV[9 + 3 * i]) .. ns(ARGV[8 + 3 * i]) .. ns(ver) .. ns(at) .. ns(by) .. ns(old))
          end
        end
        local fields = {'u', ARGV[2], 's', ARGV[3], 'srv', ARGV[4], 'op', ARGV[1], 't', ARGV[5], 'lbl', ARGV[7], 'rng', ARGV[9], 'n', tostring(n)}
        if ARGV[8] ~= '' then table.insert(fields, 'grp'); table.insert(fields, ARGV[8]) end
        local id
        local outcome
        if #moved == 0 then
          local parts = {}
          for i = 1, n do parts[i] = ns(names[i]) .. ns(ARGV[9 + 3 * i]) .. ns(olds[i]) end
          id = redis.call('XADD', KEYS[1], '*', 'k', 'multi', 'm', table.concat(parts), unpack(fields))
          local prefix = id .. '\\t' .. ARGV[5] .. '\\t' .. ARGV[2] .. '\\t'
          local kv = {}
          for i = 1, n do
            local new = ARGV[9 + 3 * i]
            table.insert(kv, names[i])
            table.insert(kv, prefix .. string.sub(new, 1, 1) .. '\\t' .. string.sub(new, 2))
            if #kv >= 1000 then redis.call('HSET', KEYS[2], unpack(kv)); kv = {} end
          end
          if #kv > 0 then redis.call('HSET', KEYS[2], unpack(kv)) end
          for from = 1, n, 1000 do redis.call('HDEL', KEYS[5], unpack(names, from, math.min(n, from + 999))) end
          outcome = 'a\\t' .. id
        else
          local packed = table.concat(moved)
          id = redis.call('XADD', KEYS[1], '*', 'k', 'multi.conflict', 'm', packed, unpack(fields))
          for i = 1, n do
            if isMoved[i] then redis.call('HSET', KEYS[5], names[i], id) end
          end
          outcome = 'm\\t' .. id .. '\\t' .. packed
        end
        redis.call('HSET', KEYS[3], ARGV[1], outcome)
        local dash = string.find(id, '-', 1, true)
        redis.call('ZADD', KEYS[4], string.sub(id, 1, dash - 1) .. string.format('%03d', math.min(tonumber(string.sub(id, dash + 1)), 999)), ARGV[1])
        redis.call('SET', KEYS[6], id, 'NX')
        return {'new', outcome}
        """
    )

    /// Forgets the outcomes of ops up to a version, at most `limit` per call so that Redis is
    /// never blocked for long; with `dropLegacy`, also the whole legacy op hash (it holds only
    /// ops older than the grace period by then).
    /// KEYS: ops, opsByVersion, legacyOps. ARGV: the highest score to remove (`GridSchema.opTrimBound`),
    /// limit, dropLegacy (1 or 0).
    /// Returns how many outcomes were removed.
    public static let trimOps = RedisScript(
        """
        if ARGV[3] == '1' then redis.call('UNLINK', KEYS[3]) end
        local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        if #ids == 0 then return 0 end
        redis.call('HDEL', KEYS[1], unpack(ids))
        redis.call('ZREM', KEYS[2], unpack(ids))
        return #ids
        """
    )

    /// Appends one event (field/value pairs in ARGV) to the log and records the first version.
    /// KEYS: log, first. Returns the new entry id.
    public static let append = RedisScript(
        """
        local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV))
        redis.call('SET', KEYS[2], id, 'NX')
        return id
        """
    )

    /// The login snapshot, taken atomically: the last version and the state as of it, and when
    /// (Redis's clock, microseconds), to tell whether it predates a restore from MySQL.
    /// KEYS: log, cells, contested, presence, durable, first.
    /// Returns {last id, cells hash, contested hash, presence hash, durable, first, taken-at µs}.
    public static let snapshot = RedisScript(
        """
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local lastId = '0-0'
        if #last > 0 then lastId = last[1][1] end
        local now = redis.call('TIME')
        return {lastId, redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
          redis.call('HGETALL', KEYS[4]), redis.call('GET', KEYS[5]) or '', redis.call('GET', KEYS[6]) or '',
          now[1] .. string.format('%06d', tonumber(now[2]))}
        """
    )

    /// Announces that a grid's cells were restored from MySQL, so that every server ends the
    /// sessions whose snapshot is older (they would never see the restored cells).
    /// KEYS: ephemeral. Returns the announcement's time (Redis's clock, microseconds).
    public static let announceRestore = RedisScript(
        """
        local now = redis.call('TIME')
        local at = now[1] .. string.format('%06d', tonumber(now[2]))
        redis.call('XADD', KEYS[1], 'MAXLEN', '~', '10000', '*', 'restored', at)
        return at
        """
    )

    /// Records a new durable watermark, but only in the Redis that holds that entry: a batch
    /// read before a Redis restart may commit to MySQL after it, and a Redis that came back
    /// without the entry must stay behind so that it is rebuilt from MySQL.
    /// KEYS: log, durable, ephemeral. ARGV: version. Returns 1 if recorded, 0 if this Redis lacks it.
    public static let publishDurable = RedisScript(
        """
        if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return 0 end
        redis.call('SET', KEYS[2], ARGV[1])
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', '10000', '*', 'durable', ARGV[1])
        return 1
        """
    )

    /// Takes or renews a lease. KEYS: lease. ARGV: holder, milliseconds. Returns 1 if taken
    /// anew, 2 if renewed, 0 if another holder has it.
    public static let lease = RedisScript(
        """
        local holder = redis.call('GET', KEYS[1])
        if holder == false then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 2
        end
        return 0
        """
    )

    /// Gives up a lease if the holder has it. KEYS: lease. ARGV: holder. Returns 1 if released.
    public static let releaseLease = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """
    )

    /// Drops an idle grid from Redis, only if it still is idle: nobody present, every entry in
    /// MySQL (durable equals the newest entry), no persister lease and no rebuild under way.
    /// KEYS: `GridSchema.allKeys` order: log, cells, ops, opsByVersion, legacyOps, contested,
    /// presence, ephemeral, durable, first, persister, ready, rebuild.
    /// Returns 1 if dropped, 0 if the grid is in use.
    public static let evict = RedisScript(
        """
        if redis.call('HLEN', KEYS[7]) > 0 then return 0 end
        if redis.call('EXISTS', KEYS[11]) == 1 or redis.call('EXISTS', KEYS[13]) == 1 then return 0 end
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #last > 0 and last[1][1] ~= redis.call('GET', KEYS[9]) then return 0 end
        redis.call('UNLINK', unpack(KEYS))
        return 1
        """
    )

    /// Ends a session on behalf of a server that cannot: removes its presence and logs
    /// `session.error`, once, even if several servers try at the same moment.
    /// KEYS: presence, log, first, ephemeral. ARGV: session, reason, now-ms.
    /// Returns 1 if this call failed the session, 0 if it was already gone.
    public static let failSession = RedisScript(
        """
        local p = redis.call('HGET', KEYS[1], ARGV[1])
        if not p then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        local ok, info = pcall(cjson.decode, p)
        local user, server = '', ''
        if ok and type(info) == 'table' then user = info.user or ''; server = info.server or '' end
        local id = redis.call('XADD', KEYS[2], '*', 'k', 'session.error', 's', ARGV[1], 'u', user, 'srv', server, 't', ARGV[3], 'err', ARGV[2])
        redis.call('SET', KEYS[3], id, 'NX')
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10000', '*', 'left', ARGV[1])
        return 1
        """
    )
}
}
