import RedisClient
import Shared

extension GridSchema {
    /// A log stream entry: field/value pairs, converted to and from `GridEvent`.
    ///
    /// Field names are short because every event is stored in Redis and read by every server:
    /// k kind, c cell, v value, old previous value, b base, u user, s session, srv server, op op id,
    /// t time, err error, and for conflicts wv/wval/wu/wt/wk for the winning state; a multi-cell
    /// edit's entry has m (its cells, `PackedCells`), n (how many), lbl (label), grp (group) and
    /// rng (the range its cells span).
    /// The sequencer and session scripts write the same fields.
    public enum LogRecord {
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
            if event.kind == .multi || event.kind == .multiConflict {
                let packed = fields["m"] ?? ""
                event.cells = event.kind == .multi ? PackedCells.decodeWritten(packed) : PackedCells.decodeMoved(packed)
                event.count = fields["n"].flatMap { Int($0) } ?? event.cells?.count
                event.label = fields["lbl"]
                event.group = fields["grp"]
                event.range = fields["rng"]
            }
            if event.kind == .conflict, let winnerVersion = fields["wv"].flatMap({ Version($0) }) {
                event.winner = CellState(
                    value: fields["wk"] == "s" ? (fields["wval"] ?? "") : nil, version: winnerVersion,
                    user: fields["wu"] ?? "", at: fields["wt"].flatMap { Int64($0) } ?? 0
                )
            }
            return event
        }

        /// The field/value pairs of an event, as the scripts write them (the id is the entry's).
        public static func fields(_ event: GridEvent) -> [String] {
            var fields = ["k", event.kind.rawValue]
            func add(_ name: String, _ value: String?) {
                if let value { fields += [name, value] }
            }
            add("c", event.cell)
            add("b", event.base?.description)
            add("u", event.user)
            add("s", event.session)
            add("srv", event.server)
            add("op", event.op)
            add("t", String(event.at))
            add("v", event.value)
            add("old", event.old)
            add("err", event.error)
            add("lbl", event.label)
            add("grp", event.group)
            add("rng", event.range)
            add("n", event.count.map(String.init))
            if let cells = event.cells {
                fields += ["m", event.kind == .multiConflict ? PackedCells.encodeMoved(cells) : PackedCells.encodeWritten(cells)]
            }
            if let winner = event.winner {
                fields += ["wv", winner.version.description, "wt", String(winner.at), "wu", winner.user, "wk", winner.value == nil ? "c" : "s"]
                add("wval", winner.value)
            }
            return fields
        }

        /// Field/value pairs for a session lifecycle event.
        public static func sessionFields(kind: GridEvent.Kind, session: String, user: String, server: String, at: Int64, error: String? = nil) -> [String] {
            var fields = ["k", kind.rawValue, "s", session, "u", user, "srv", server, "t", String(at)]
            if let error { fields += ["err", error] }
            return fields
        }
    }
}
