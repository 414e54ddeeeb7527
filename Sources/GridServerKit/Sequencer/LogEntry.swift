import RedisClient
import Shared

/// Converts between Redis stream entries of a grid's log and `GridEvent`s.
///
/// Field names are short because every event is stored in Redis and read by every server:
/// k kind, c cell, v value, old previous value, b base, u user, s session, srv server, op op id,
/// t time, err error, and for conflicts wv/wval/wu/wt/wk for the winning state.
public enum LogEntry {
    /// Decodes one entry of an XRANGE/XREAD reply: `[id, [field, value, ...]]`.
    public static func decode(_ entry: RedisValue) -> GridEvent? {
        guard let parts = entry.array, parts.count == 2,
            let idText = parts[0].string, let id = Version(idText),
            let flat = parts[1].array
        else { return nil }
        var fields: [String: String] = [:]
        var index = 0
        while index + 1 < flat.count {
            if let name = flat[index].string { fields[name] = flat[index + 1].string ?? "" }
            index += 2
        }
        return decode(id: id, fields: fields)
    }

    public static func decode(id: Version, fields: [String: String]) -> GridEvent? {
        guard let kind = fields["k"] else { return nil }
        var event = GridEvent(
            id: id, kind: GridEvent.Kind(kind), cell: fields["c"], value: fields["v"], old: fields["old"],
            base: fields["b"].flatMap { Version($0) }, user: fields["u"], session: fields["s"], server: fields["srv"],
            op: fields["op"], at: fields["t"].flatMap { Int64($0) } ?? Int64(id.milliseconds), error: fields["err"]
        )
        if event.kind == .conflict, let winnerVersion = fields["wv"].flatMap({ Version($0) }) {
            event.winner = CellState(
                value: fields["wk"] == "s" ? (fields["wval"] ?? "") : nil, version: winnerVersion,
                user: fields["wu"] ?? "", at: fields["wt"].flatMap { Int64($0) } ?? 0
            )
        }
        return event
    }

    /// Field/value pairs for a session lifecycle event.
    public static func sessionFields(kind: GridEvent.Kind, session: String, user: String, server: String, at: Int64, error: String? = nil) -> [String] {
        var fields = ["k", kind.rawValue, "s", session, "u", user, "srv", server, "t", String(at)]
        if let error { fields += ["err", error] }
        return fields
    }

    /// Parses a `cells` hash record: "version\tat\tuser\tkind\tvalue" (kind s = set, c = cleared).
    public static func cellState(_ record: String) -> CellState? {
        // Split as bytes: a login parses every cell of the grid this way.
        let parts = record.utf8.split(separator: UInt8(ascii: "\t"), maxSplits: 4, omittingEmptySubsequences: false).map(Substring.init)
        guard parts.count == 5, let version = Version(parts[0]) else { return nil }
        return CellState(value: parts[3] == "s" ? String(parts[4]) : nil, version: version, user: String(parts[2]), at: Int64(parts[1]) ?? 0)
    }
}
