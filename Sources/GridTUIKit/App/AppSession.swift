import Foundation
import GridClientCore
import GridFiles
import Shared

/// The app loop's state and steps: each event goes into the model (which owns the client state),
/// the model's effects are performed (frames go to the transport), and the screen is redrawn at
/// most once per frame interval. Timers and history loads run as child tasks of the loop's task
/// group and come back as events. Nothing comes back from the transport but what the server sent.
struct AppSession {
    let client: GridClient
    let terminal: any Terminal
    let sink: AsyncStream<AppEvent>.Continuation
    let frameInterval: Duration
    let historyPageSize: Int

    var model: TUIModel
    private(set) var running = true
    private(set) var exitCode: Int32 = 0
    private var throttle = PresenceThrottle()
    private var dirty = false
    private var lastDraw = ContinuousClock.now
    private var frameScheduled = false
    private var lastRetry = ContinuousClock.now
    private(set) var keyLatency = KeyLatencyLog()

    init(client: GridClient, terminal: any Terminal, sink: AsyncStream<AppEvent>.Continuation, model: TUIModel, framesPerSecond: Int, historyPageSize: Int) {
        self.client = client
        self.terminal = terminal
        self.sink = sink
        self.model = model
        self.frameInterval = .milliseconds(1000 / max(1, framesPerSecond))
        self.historyPageSize = historyPageSize
    }

    mutating func drawNow() {
        if model.computedIsStale { model.refreshComputed() }
        terminal.draw(Renderer.render(model, size: model.size))
    }

    mutating func handle(_ event: AppEvent, group: inout TaskGroup<Void>) async {
        let now = WallClock.nowMilliseconds()
        var effects = model.tick(now: now)
        switch event {
        case .key(let key, let readAt):
            keyLatency.read(at: readAt)
            if key == .resize { model.resize(to: terminal.size) }
            effects += model.handle(key)
            dirty = true
        case .client(let update):
            // Formulas are recomputed once per frame, for every event since the last one.
            effects += model.apply(update, recompute: false)
            dirty = true
        case .historyLoaded(let page, let before, let after):
            effects += model.historyLoaded(page, before: before, after: after)
            dirty = true
        case .fileRead(let request, let result):
            effects += model.importLoaded(request, result)
            dirty = true
        case .fileDone(let message, let isError):
            effects += model.fileDone(message, isError: isError)
            dirty = true
        case .historyFailed(let message, let before, let after):
            effects += model.historyFailed(message, before: before, after: after)
            dirty = true
        case .signal(let number):
            exitCode = 128 + number
            running = false
            return
        case .tick:
            if ContinuousClock.now - lastRetry >= client.configuration.rateLimitRetry {
                lastRetry = .now
                effects += model.retryRateLimited()
            }
            dirty = dirty || model.showsCountdown || !effects.isEmpty
        case .frame:
            frameScheduled = false
        case .keysWaiting:
            break
        case .presenceDue:
            if let presence = throttle.due(now: now) {
                await client.send(.presence(presence))
            } else if throttle.held != nil {
                // Woke a little early by the wall clock; the held update must still go.
                later(.milliseconds(max(1, throttle.delay(now: now))), .presenceDue, group: &group)
            }
        }
        await perform(effects, group: &group)
        if running { drawIfDue(group: &group) }
    }

    private mutating func perform(_ effects: [TUIEffect], group: inout TaskGroup<Void>) async {
        for effect in effects where running {
            switch effect {
            case .send(let frames):
                await client.send(frames)
            case .presence(let cursor, let editing, let selection):
                let now = WallClock.nowMilliseconds()
                if let presence = throttle.offer(.init(cursor: cursor, editing: editing, selection: selection), now: now) {
                    await client.send(.presence(presence))
                } else {
                    later(.milliseconds(throttle.delay(now: now)), .presenceDue, group: &group)
                }
            case .loadHistory(let before, let after):
                let client = self.client
                let sink = self.sink
                let limit = historyPageSize
                group.addTask {
                    do {
                        let page = try await client.history(before: before, after: after, limit: limit)
                        sink.yield(.historyLoaded(page, before: before, after: after))
                    } catch {
                        sink.yield(.historyFailed("\(error)", before: before, after: after))
                    }
                }
            case .clipboard(let text):
                terminal.copyToClipboard(text)
            case .listDirectory(let directory):
                model.completeCommand(files: Self.names(in: directory))
            case .importFile(let request):
                let sink = self.sink
                group.addTask {
                    let result = Result { () throws(GridFileError) in try GridFileTransfer.read(request) }
                    sink.yield(.fileRead(request, result))
                }
            case .exportFile(let request):
                let (sink, state, computed) = (self.sink, model.state, model.computed)
                group.addTask {
                    do throws(GridFileError) {
                        let cells = try GridFileTransfer.write(request, state: state, computed: computed)
                        sink.yield(.fileDone("Exported \(cells) cells to \(request.path)", isError: false))
                    } catch {
                        sink.yield(.fileDone("export \(request.path): \(error.description)", isError: true))
                    }
                }
            case .bell:
                terminal.bell()
            case .quit:
                running = false
            }
        }
    }

    /// Draws now, or schedules a frame once the frame interval has passed since the last draw.
    /// A key is drawn at once: the frame rate only holds back what other users do, so a busy
    /// grid never delays the user's own typing by up to a frame.
    private mutating func drawIfDue(group: inout TaskGroup<Void>) {
        guard dirty else { return }
        let elapsed = ContinuousClock.now - lastDraw
        if elapsed >= frameInterval || keyLatency.hasWaiting {
            drawNow()
            lastDraw = .now
            dirty = false
            keyLatency.drawn(at: .now)
        } else if !frameScheduled {
            frameScheduled = true
            later(frameInterval - elapsed, .frame, group: &group)
        }
    }

    /// The names in a directory for Tab completion, directories ending in `/`, hidden ones left
    /// out.
    private static func names(in directory: String) -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { !$0.hasPrefix(".") }.map { name in
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return isDirectory.boolValue ? name + "/" : name
        }
    }

    private func later(_ delay: Duration, _ event: AppEvent, group: inout TaskGroup<Void>) {
        let sink = self.sink
        group.addTask {
            try? await Task.sleep(for: delay)
            sink.yield(event)
        }
    }
}
