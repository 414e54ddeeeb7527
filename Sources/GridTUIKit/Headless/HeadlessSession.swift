import GridClientCore
import Shared

/// The headless client's one owner of `ClientState`: the transport's updates and the script's
/// edits meet here, and a script command that waits is woken by the update that satisfies it,
/// or by its deadline.
actor HeadlessSession {
    typealias Condition = @Sendable (ClientState, ComputedGrid, ConnectionStatus) -> Bool

    private struct Waiter {
        let condition: Condition
        let continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?
    }

    private(set) var state = ClientState(clientID: ClientState.randomClientID())
    /// What the cells show, computed; updated with every change of `state`.
    private(set) var computed = ComputedGrid()
    private(set) var status: ConnectionStatus
    private let transport: GridClient
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0

    init(transport: GridClient) {
        self.transport = transport
        self.status = transport.configuration.servers.first.map { .connecting(server: $0) } ?? .stopped(reason: nil)
    }

    /// Takes one update from the transport, sends what the state releases, and wakes waiters.
    func apply(_ update: GridClientUpdate) async {
        switch update {
        case .status(let newStatus):
            status = newStatus
            state.connectionChanged(newStatus)
        case .message(let message, _):
            let frames = state.receive(message)
            computed.update(from: &state)
            wake()
            if !frames.isEmpty { await transport.send(frames) }
            return
        }
        wake()
    }

    func edit(_ kind: EditKind, cell: String, value: String? = nil) async {
        let made = state.makeEdit(kind, cell: cell, value: value)
        computed.update(from: &state)
        if let frame = made.frame { await transport.send(frame) }
    }

    @discardableResult
    func multiEdit(_ changes: [CellChange], label: String, group: String? = nil) async -> String {
        let made = state.makeMultiEdit(changes, label: label, group: group)
        computed.update(from: &state)
        if let frame = made.frame { await transport.send(frame) }
        return made.op
    }

    func retryRateLimited() async {
        let frames = state.takeRateLimitedRetries()
        if !frames.isEmpty { await transport.send(frames) }
    }

    /// Waits until `condition` holds, or the deadline passes; returns whether it holds.
    func wait(until deadline: ContinuousClock.Instant, for condition: @escaping Condition) async -> Bool {
        if condition(state, computed, status) { return true }
        guard ContinuousClock.now < deadline else { return false }
        let id = nextWaiter
        nextWaiter += 1
        return await withCheckedContinuation { continuation in
            let timer = Task { [weak self] in
                try? await Task.sleep(until: deadline)
                await self?.expire(id)
            }
            waiters[id] = Waiter(condition: condition, continuation: continuation, timer: timer)
        }
    }

    private func wake() {
        for (id, waiter) in waiters where waiter.condition(state, computed, status) {
            waiters[id] = nil
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    private func expire(_ id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: waiter.condition(state, computed, status))
    }
}
