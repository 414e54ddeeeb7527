import CMariaDB

/// The `MYSQL_BIND` array and value buffers for one execution of a prepared statement.
///
/// libmariadb keeps the pointers given to `mysql_stmt_bind_param` and reads them during
/// `mysql_stmt_execute`, so everything lives in manually allocated memory owned by this object,
/// which the caller keeps alive across the execute call.
final class MySQLParameterBindings {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private var buffers: [UnsafeMutableRawPointer] = []
    private let count: Int

    init(_ values: [MySQLValue]) {
        count = values.count
        // At least one element so that an empty parameter list still has a valid pointer.
        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        lengths = .allocate(capacity: max(count, 1))
        lengths.initialize(repeating: 0, count: max(count, 1))
        buffers.reserveCapacity(count)

        for (index, value) in values.enumerated() {
            switch value {
            case .null:
                binds[index].buffer_type = MYSQL_TYPE_NULL
            case .int(let number):
                let buffer = allocate(byteCount: MemoryLayout<Int64>.size, alignment: MemoryLayout<Int64>.alignment)
                buffer.storeBytes(of: number, as: Int64.self)
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].buffer = buffer
                binds[index].buffer_length = UInt(MemoryLayout<Int64>.size)
            case .double(let number):
                let buffer = allocate(byteCount: MemoryLayout<Double>.size, alignment: MemoryLayout<Double>.alignment)
                buffer.storeBytes(of: number, as: Double.self)
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
                binds[index].buffer = buffer
                binds[index].buffer_length = UInt(MemoryLayout<Double>.size)
            case .text(let text):
                bindBytes(text.utf8, at: index, type: MYSQL_TYPE_STRING)
            case .bytes(let bytes):
                bindBytes(bytes, at: index, type: MYSQL_TYPE_BLOB)
            }
        }
    }

    deinit {
        for buffer in buffers {
            buffer.deallocate()
        }
        lengths.deallocate()
        binds.deinitialize(count: max(count, 1))
        binds.deallocate()
    }

    private func bindBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes, at index: Int, type: enum_field_types) {
        let byteCount = bytes.count
        // A zero-length value still needs a non-NULL buffer, or libmariadb may read it as NULL.
        let buffer = allocate(byteCount: max(byteCount, 1), alignment: 1)
        UnsafeMutableRawBufferPointer(start: buffer, count: byteCount).copyBytes(from: bytes)
        lengths[index] = UInt(byteCount)
        binds[index].buffer_type = type
        binds[index].buffer = buffer
        binds[index].buffer_length = UInt(byteCount)
        binds[index].length = lengths + index
    }

    private func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: alignment)
        buffers.append(buffer)
        return buffer
    }
}
