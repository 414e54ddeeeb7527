import Foundation
import GridClientCore
import Shared

/// The JSON lines headless commands print.
public enum HeadlessReport {
    struct Dump: Encodable {
        /// The text typed into each cell, as committed.
        var cells: [String: String]
        /// What each cell shows: formulas computed, numbers as the engine writes them.
        var values: [String: String]
        var versions: [String: String]
        var version: String
        var conflicts: [String]
        var pending: Int
        var durable: String
    }

    struct Users: Encodable {
        var users: [UserPresence]
    }

    /// `computed` nil: computed here from `state`.
    public static func dump(_ state: ClientState, computed: ComputedGrid? = nil) -> String {
        let computed = computed ?? ComputedGrid(loading: state)
        let written = state.model.cells.filter { $0.value.value != nil }
        let shown = Set(written.keys).union(state.edits.flatMap(\.touchedCells)).filter { state.shownValue(of: $0).value != nil }
        var values: [String: String] = [:]
        for cell in shown {
            guard let address = CellAddress(cell) else { continue }
            values[cell] = computed.displayText(address)
        }
        return json(Dump(
            cells: written.compactMapValues(\.value), values: values, versions: written.mapValues(\.version.description),
            version: state.model.version.description, conflicts: state.model.contested.keys.sorted(),
            pending: state.saveState.pending, durable: state.durable.description
        ))
    }

    public static func users(_ state: ClientState) -> String {
        json(Users(users: state.users.values.sorted { ($0.user, $0.session) < ($1.user, $1.session) }))
    }

    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}
