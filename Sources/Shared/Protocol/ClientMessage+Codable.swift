private enum TypeKey: String, CodingKey { case type }

extension ClientMessage: Codable {
    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try Hello(from: decoder))
        case "set": self = .set(try Edit(from: decoder))
        case "clear": self = .clear(try Edit(from: decoder))
        case "resolve": self = .resolve(try Edit(from: decoder))
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
        case .set(let payload), .clear(let payload), .resolve(let payload): try payload.encode(to: encoder)
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

struct UnknownMessageType: Error {
    let name: String
}
