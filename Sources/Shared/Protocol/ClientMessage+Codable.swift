private enum TypeKey: String, CodingKey { case type }

extension ClientMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try Hello(from: decoder))
        case let name where EditKind(rawValue: name) != nil: self = .edit(try Edit(EditKind(rawValue: name)!, from: decoder))
        case "presence": self = .presence(try PresenceUpdate(from: decoder))
        case "history": self = .history(try HistoryRequest(from: decoder))
        case "ping": self = .ping(try Ping(from: decoder))
        default: throw UnknownMessageType(name: type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .hello(let payload): try payload.encode(to: encoder)
        case .edit(let payload): try payload.encode(to: encoder)
        case .presence(let payload): try payload.encode(to: encoder)
        case .history(let payload): try payload.encode(to: encoder)
        case .ping(let payload): try payload.encode(to: encoder)
        }
    }
}

extension ServerMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "welcome": self = .welcome(try Welcome(from: decoder))
        case "ack": self = .ack(try Ack(from: decoder))
        case "conflict": self = .conflict(try Conflict(from: decoder))
        case "event": self = .event(try GridEvent(from: decoder))
        case "presence": self = .presence(try PresenceChange(from: decoder))
        case "durable": self = .durable(try Durable(from: decoder))
        case "history": self = .history(try HistoryPage(from: decoder))
        case "error": self = .error(try ErrorFrame(from: decoder))
        case "pong": self = .pong(try ClientMessage.Ping(from: decoder))
        case "health": self = .health(try ServerHealth(from: decoder))
        default: throw UnknownMessageType(name: type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .welcome(let payload): try payload.encode(to: encoder)
        case .ack(let payload): try payload.encode(to: encoder)
        case .conflict(let payload): try payload.encode(to: encoder)
        case .event(let payload): try payload.encode(to: encoder)
        case .presence(let payload): try payload.encode(to: encoder)
        case .durable(let payload): try payload.encode(to: encoder)
        case .history(let payload): try payload.encode(to: encoder)
        case .error(let payload): try payload.encode(to: encoder)
        case .pong(let payload): try payload.encode(to: encoder)
        case .health(let payload): try payload.encode(to: encoder)
        }
    }
}

extension ClientMessage.Edit {
    private enum Member: String, CodingKey { case op, cell, value, base, resend, cells, label, group }

    init(_ kind: EditKind, from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Member.self)
        if kind == .multi {
            let cells = try container.decode([CellChange].self, forKey: .cells)
            for (index, change) in cells.enumerated() where change.base == nil {
                throw DecodingError.keyNotFound(
                    Member.base, .init(codingPath: [Member.cells, IndexKey(index)], debugDescription: "every cell of a multi edit needs its base")
                )
            }
            self.init(
                multi: try container.decode(String.self, forKey: .op), cells: cells,
                label: try container.decodeIfPresent(String.self, forKey: .label) ?? "edit",
                group: try container.decodeIfPresent(String.self, forKey: .group), resend: try container.decodeIfPresent(Bool.self, forKey: .resend)
            )
            return
        }
        self.init(
            kind, op: try container.decode(String.self, forKey: .op), cell: try container.decode(String.self, forKey: .cell),
            value: try container.decodeIfPresent(String.self, forKey: .value), base: try container.decode(Version.self, forKey: .base),
            resend: try container.decodeIfPresent(Bool.self, forKey: .resend)
        )
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Member.self)
        try container.encode(op, forKey: .op)
        if kind == .multi {
            try container.encode(cells ?? [], forKey: .cells)
            try container.encodeIfPresent(label, forKey: .label)
            try container.encodeIfPresent(group, forKey: .group)
            try container.encodeIfPresent(resend, forKey: .resend)
            return
        }
        try container.encode(cell, forKey: .cell)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(base, forKey: .base)
        try container.encodeIfPresent(resend, forKey: .resend)
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

struct UnknownMessageType: Error {
    let name: String
}
