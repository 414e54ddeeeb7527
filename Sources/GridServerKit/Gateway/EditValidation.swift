import GridAuth
import Shared

/// Checks one edit frame before it costs a rate-limit token or reaches Redis, in the order
/// docs/PROTOCOL.md §3.2 gives: role, cell, op length, and for `set` the value. Pure: the same
/// frame, role and limits always give the same answer.
struct EditValidation: Sendable {
    /// An edit that passed: its cell in canonical form.
    struct Valid: Hashable, Sendable {
        let cell: CellAddress
        /// `multi` only: the cells in canonical form, in the order sent.
        var cells: [CellChange] = []
    }

    /// Why an edit was refused, and whether the answer names its op (not when the op itself is bad).
    struct Refusal: Error, Hashable, Sendable {
        let error: ProtocolError
        let op: String?
    }

    let limits: ServerConfiguration.Limits

    func validate(_ edit: ClientMessage.Edit, role: TokenClaims.Role) -> Result<Valid, Refusal> {
        guard role.canWrite else {
            return .failure(Refusal(error: ServerErrors.readOnly(edit.kind, cell: edit.cell, role: role.rawValue), op: edit.op))
        }
        if edit.kind == .multi {
            guard !edit.op.isEmpty, edit.op.utf8.count <= 128 else { return .failure(Refusal(error: ServerErrors.badOpLength, op: nil)) }
            return validateMulti(edit)
        }
        guard let cell = CellAddress(edit.cell), limits.contains(cell) else {
            return .failure(Refusal(error: ServerErrors.badCell(edit.cell, bounds: limits.boundsDescription), op: edit.op))
        }
        guard !edit.op.isEmpty, edit.op.utf8.count <= 128 else {
            return .failure(Refusal(error: ServerErrors.badOpLength, op: nil))
        }
        if edit.kind == .set {
            guard let value = edit.value else { return .failure(Refusal(error: ServerErrors.missingValue, op: edit.op)) }
            guard value.utf8.count <= limits.maxValueBytes else {
                return .failure(Refusal(error: ServerErrors.valueTooLarge(limit: limits.maxValueBytes, size: value.utf8.count), op: edit.op))
            }
        }
        return .success(Valid(cell: cell))
    }

    /// A multi-cell edit: its size, every cell in bounds and named once, every value within the
    /// limit, and its label and group.
    private func validateMulti(_ edit: ClientMessage.Edit) -> Result<Valid, Refusal> {
        let cells = edit.cells ?? []
        guard (1...limits.maxMultiCells).contains(cells.count) else {
            return .failure(Refusal(error: ServerErrors.tooManyCells(limit: limits.maxMultiCells, count: cells.count), op: edit.op))
        }
        guard let label = edit.label, (1...16).contains(label.utf8.count), label.utf8.allSatisfy({ (97...122).contains($0) }) else {
            return .failure(Refusal(error: ServerErrors.badLabel, op: edit.op))
        }
        if let group = edit.group, !(1...128).contains(group.utf8.count) {
            return .failure(Refusal(error: ServerErrors.badGroup, op: edit.op))
        }
        var seen = Set<CellAddress>(minimumCapacity: cells.count)
        var first: CellAddress?
        var canonical: [CellChange] = []
        canonical.reserveCapacity(cells.count)
        for change in cells {
            guard let address = CellAddress(change.cell), limits.contains(address) else {
                return .failure(Refusal(error: ServerErrors.badCell(change.cell, bounds: limits.boundsDescription), op: edit.op))
            }
            guard seen.insert(address).inserted else {
                return .failure(Refusal(error: ServerErrors.cellTwice(address.description), op: edit.op))
            }
            if let value = change.value, value.utf8.count > limits.maxValueBytes {
                return .failure(Refusal(error: ServerErrors.valueTooLarge(limit: limits.maxValueBytes, size: value.utf8.count), op: edit.op))
            }
            first = first ?? address
            canonical.append(CellChange(cell: address.description, value: change.value, base: change.base ?? .zero))
        }
        return .success(Valid(cell: first!, cells: canonical))
    }
}
