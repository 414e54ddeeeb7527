import Foundation

/// An `OutputStream` that appends to a byte array. CSVWriter writes one byte per call; Foundation's
/// memory stream grows a `Data` on each, which made exporting 100,000 cells take ~0.65 s.
final class ByteOutputStream: OutputStream {
    private(set) var bytes: [UInt8] = []
    private var status: Stream.Status = .notOpen

    init(capacity: Int) {
        super.init(toMemory: ())
        bytes.reserveCapacity(capacity)
    }

    required init(toMemory: ()) {
        super.init(toMemory: ())
    }

    override func open() { status = .open }
    override func close() { status = .closed }
    override var streamStatus: Stream.Status { status }
    override var hasSpaceAvailable: Bool { true }

    override func write(_ buffer: UnsafePointer<UInt8>, maxLength len: Int) -> Int {
        bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: len))
        return len
    }
}
