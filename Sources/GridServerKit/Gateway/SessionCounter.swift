import Synchronization

/// The server's one `SessionAdmission`, shared by every connection.
public final class SessionCounter: Sendable {
    private let admission: Mutex<SessionAdmission>

    public init(maxPerServer: Int, maxPerUser: Int) {
        admission = Mutex(SessionAdmission(maxPerServer: maxPerServer, maxPerUser: maxPerUser))
    }

    public func admit(user: String) -> SessionAdmission.Refusal? {
        admission.withLock { $0.admit(user: user) }
    }

    public func release(user: String) {
        admission.withLock { $0.release(user: user) }
    }

    public var total: Int { admission.withLock { $0.total } }
}
