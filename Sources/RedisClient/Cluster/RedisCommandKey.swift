/// The key by which a Redis Cluster routes a command: the slot every key of the command must
/// share. Knows the commands CollabGrid sends; a command with no key (PING, CLIENT, INFO, WAIT)
/// goes to any node, and SCRIPT LOAD to every master.
public enum RedisCommandKey {
    /// The routing key of `command`, or nil for a command without keys.
    public static func of(_ command: [String]) -> String? {
        index(count: command.count) { command[$0] }.map { command[$0] }
    }

    /// The slot of a command whose arguments are bytes.
    public static func slot(ofBytes command: [[UInt8]]) -> Int? {
        index(count: command.count) { String(decoding: command[$0], as: UTF8.self) }.map { RedisSlot.of(bytes: command[$0]) }
    }

    /// Which argument is the key, reading only the arguments that say so.
    private static func index(count: Int, _ argument: (Int) -> String) -> Int? {
        guard count > 0 else { return nil }
        switch argument(0).uppercased() {
        case "EVALSHA", "EVAL", "EVALSHA_RO", "EVAL_RO", "FCALL", "FCALL_RO":
            guard count > 3, let keys = Int(argument(2)), keys > 0 else { return nil }
            return 3
        case "XREAD", "XREADGROUP":
            guard let streams = (1..<count).first(where: { argument($0).uppercased() == "STREAMS" }), streams + 1 < count else { return nil }
            return streams + 1
        case "XGROUP", "XINFO", "OBJECT", "MEMORY":
            return count > 2 ? 2 : nil
        case "PING", "CLIENT", "INFO", "SCRIPT", "WAIT", "CLUSTER", "ASKING", "MULTI", "EXEC", "DISCARD",
             "FLUSHALL", "FLUSHDB", "DBSIZE", "CONFIG", "HELLO", "AUTH", "SELECT", "READONLY", "ECHO", "TIME":
            return nil
        default:
            return count > 1 ? 1 : nil
        }
    }

    /// The routing key of a batch that must stay in one slot (a transaction): the first key of
    /// its commands. Throws when two commands' keys are in different slots, which a cluster
    /// refuses (CROSSSLOT).
    public static func of(batch commands: [[String]]) throws -> String? {
        var first: (key: String, slot: Int)?
        for command in commands {
            guard let key = of(command) else { continue }
            let slot = RedisSlot.of(key)
            if let first {
                guard first.slot == slot else { throw crossSlot("\(first.key) and \(key)") }
            } else {
                first = (key, slot)
            }
        }
        return first?.key
    }

    /// The one slot of a batch (`of(batch:)`), nil when no command has a key.
    public static func slot(ofBatch commands: [[String]]) throws -> Int? {
        try of(batch: commands).map { RedisSlot.of($0) }
    }

    private static func crossSlot(_ detail: String) -> RedisError {
        RedisError(code: .protocolError, message: "one batch touches two slots: \(detail)")
    }
}
