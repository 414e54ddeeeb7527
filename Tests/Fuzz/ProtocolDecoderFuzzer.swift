// libFuzzer entry point for the protocol decoder, built by scripts/fuzz with
// `swiftc -sanitize=fuzzer` together with Sources/Shared/Protocol and Sources/Shared/Grid.
// Every input must decode to a message or fail with a ProtocolError of a frame-level code; a
// message the server accepts must come out of an encode/decode round trip unchanged. A crash or
// a failed precondition here is a decoder bug: scripts/fuzz saves the input under
// Tests/Fuzz/regressions, and WireCodecRegressionTests replays it from then on.

private let frameLevelCodes: Set<ErrorCode> = [.badFrame, .unknownType, .badField]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocolDecoder(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let codec = WireCodec()
    do {
        let message = try codec.decodeClientMessage(bytes: bytes)
        let again: ClientMessage
        do {
            again = try codec.decodeClientMessage(codec.encode(message))
        } catch {
            preconditionFailure("an accepted frame does not decode after re-encoding: \(error)")
        }
        precondition(again == message, "round trip changed \(message) into \(again)")
    } catch {
        precondition(frameLevelCodes.contains(error.code), "unexpected code \(error.code)")
        precondition(!error.message.isEmpty, "an error without a message")
    }
    // The start of an over-size message is read leniently to find its op.
    if let op = codec.editOp(inPrefix: bytes) { precondition((1...128).contains(op.utf8.count), "op of a bad length") }
    // The client's decoder meets server frames; it must not crash on any either.
    _ = try? codec.decodeServerMessage(String(decoding: bytes, as: UTF8.self))
    return 0
}
