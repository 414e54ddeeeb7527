import GridAuth
import Shared
import Testing

@testable import GridServerKit

@Suite("EditValidation")
struct EditValidationTests {
    let validation = EditValidation(limits: ServerConfiguration.Limits())

    func edit(_ kind: EditKind = .set, op: String = "c1-1", cell: String = "b7", value: String? = "x") -> ClientMessage.Edit {
        ClientMessage.Edit(kind, op: op, cell: cell, value: value, base: .zero)
    }

    @Test func aValidSetGivesTheCanonicalCell() throws {
        let valid = try validation.validate(edit(.set), role: .editor).get()
        #expect(valid.cell.description == "B7")
    }

    @Test func aViewerIsRefusedBeforeAnythingElseIsChecked() {
        guard case .failure(let refusal) = validation.validate(edit(.set, op: "", cell: "nope", value: nil), role: .viewer) else {
            Issue.record("a viewer's edit must be refused")
            return
        }
        #expect(refusal.error.code == .readOnly)
        #expect(refusal.op == "")
        #expect(refusal.error.message.contains("role viewer"))
    }

    @Test func aBadCellIsRefusedWithItsOp() {
        for cell in ["A0", "XFE1", "A1048577", "hello", ""] {
            guard case .failure(let refusal) = validation.validate(edit(.set, cell: cell), role: .editor) else {
                Issue.record("\(cell) must be refused")
                continue
            }
            #expect(refusal.error.code == .badCell && refusal.op == "c1-1")
        }
    }

    @Test func aCellOutsideTheConfiguredBoundsIsABadCell() {
        var limits = ServerConfiguration.Limits()
        limits.maxColumns = 2
        limits.maxRows = 10
        let small = EditValidation(limits: limits)
        #expect((try? small.validate(edit(.set, cell: "B10"), role: .editor).get()) != nil)
        guard case .failure(let refusal) = small.validate(edit(.set, cell: "C1"), role: .editor) else {
            Issue.record("C1 lies outside two columns")
            return
        }
        #expect(refusal.error.code == .badCell && refusal.error.message.contains("A1 to B10"))
    }

    @Test func anOpOfTheWrongLengthIsRefusedWithoutNamingIt() {
        for op in ["", String(repeating: "o", count: 129)] {
            guard case .failure(let refusal) = validation.validate(edit(.clear, op: op), role: .editor) else {
                Issue.record("op of \(op.count) bytes must be refused")
                continue
            }
            #expect(refusal.error.code == .badField && refusal.op == nil)
        }
        #expect((try? validation.validate(edit(.clear, op: String(repeating: "o", count: 128)), role: .editor).get()) != nil)
    }

    @Test func aSetNeedsAValueWithinTheLimitButClearAndResolveDoNot() {
        guard case .failure(let missing) = validation.validate(edit(.set, value: nil), role: .editor) else {
            Issue.record("a set without a value must be refused")
            return
        }
        #expect(missing.error.code == .badField && missing.op == "c1-1")
        let large = String(repeating: "é", count: 16 * 1024 + 1)
        guard case .failure(let tooLarge) = validation.validate(edit(.set, value: large), role: .editor) else {
            Issue.record("a value over 32 KiB must be refused")
            return
        }
        #expect(tooLarge.error.code == .valueTooLarge && tooLarge.error.message.contains("\(large.utf8.count)"))
        #expect((try? validation.validate(edit(.clear, value: nil), role: .editor).get()) != nil)
        #expect((try? validation.validate(edit(.resolve, value: large), role: .admin).get()) != nil)
    }

    @Test func theChecksRunInTheDocumentedOrder() {
        // A bad cell comes before a bad op, which comes before a missing value.
        let both = validation.validate(edit(.set, op: "", cell: "ZZZZ1", value: nil), role: .editor)
        guard case .failure(let first) = both else {
            Issue.record("must be refused")
            return
        }
        #expect(first.error.code == .badCell)
        guard case .failure(let second) = validation.validate(edit(.set, op: "", value: nil), role: .editor) else {
            Issue.record("must be refused")
            return
        }
        #expect(second.error.code == .badField && second.op == nil)
    }
}
