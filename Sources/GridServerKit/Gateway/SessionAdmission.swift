/// How many sessions this server holds, in total and per user, as a pure value. A login that
/// would pass either limit is refused with `too_many_sessions`, so one user (or a script gone
/// wrong) cannot take every connection a server can serve.
public struct SessionAdmission: Sendable {
    public let maxPerServer: Int
    public let maxPerUser: Int
    public private(set) var total = 0
    private var perUser: [String: Int] = [:]

    public init(maxPerServer: Int, maxPerUser: Int) {
        self.maxPerServer = maxPerServer
        self.maxPerUser = maxPerUser
    }

    public func sessions(of user: String) -> Int { perUser[user, default: 0] }

    /// Counts a new session of `user`, or says why it is refused (and counts nothing).
    public mutating func admit(user: String) -> Refusal? {
        guard total < maxPerServer else { return .serverFull(limit: maxPerServer) }
        guard perUser[user, default: 0] < maxPerUser else { return .userFull(limit: maxPerUser) }
        total += 1
        perUser[user, default: 0] += 1
        return nil
    }

    /// Forgets one admitted session of `user`.
    public mutating func release(user: String) {
        guard let count = perUser[user] else { return }
        total -= 1
        perUser[user] = count > 1 ? count - 1 : nil
    }

    public enum Refusal: Hashable, Sendable {
        case serverFull(limit: Int)
        case userFull(limit: Int)

        public var message: String {
            switch self {
            case .serverFull(let limit):
                "this server already serves its limit of \(limit) sessions; try again later or connect to another server"
            case .userFull(let limit):
                "this user already has \(limit) sessions on this server; close one of them, then connect again"
            }
        }
    }
}
