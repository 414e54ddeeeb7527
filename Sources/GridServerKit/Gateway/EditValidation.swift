import GridAuth
import Shared

/// Checks one edit frame before it costs a rate-limit token or reaches Redis, in the order
/// docs/PROTOCOL.md §3.2 gives: role, cell, op length, and for `set` the value. Pure: the same
/// frame, role and limits always give the same answer.
struct EditValidation: Sendable {
    /// An edit that passed: its cell in canonical form.
    struct Valid: Hashable, Sendable {
        let cell: CellAddress
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
}
