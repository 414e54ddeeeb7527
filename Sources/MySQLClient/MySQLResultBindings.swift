import CMariaDB

/// Result buffers for one result set of a prepared statement, and the conversion of the fetched
/// row into `MySQLValue`s.
///
/// Buffers are allocated memory because libmariadb writes into them on every
/// `mysql_stmt_fetch`; they stay valid until this object is released after the last fetch.
final class MySQLResultBindings {
    enum Kind {
        case int(unsigned: Bool)
        case double
        case text
        case bytes
    }

    /// Text columns start with this many bytes (or their declared width, if smaller); longer
    /// values are read in full with `mysql_stmt_fetch_column`.
    static let maximumInitialCapacity = 4096

    let columns: [String]
    private let kinds: [Kind]
    private let capacities: [Int]
    private let count: Int
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private let errors: UnsafeMutablePointer<my_bool>
    private var buffers: [UnsafeMutableRawPointer] = []
    /// Reused for `mysql_stmt_fetch_column`, which also takes a `MYSQL_BIND` pointer.
    private let scratch: UnsafeMutablePointer<MYSQL_BIND>
    private let scratchLength: UnsafeMutablePointer<UInt>
    private let scratchNull: UnsafeMutablePointer<my_bool>
    private let scratchError: UnsafeMutablePointer<my_bool>

    init(fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) {
        self.count = count
        var columns: [String] = []
        var kinds: [Kind] = []
        var capacities: [Int] = []
        for index in 0..<count {
            let field = fields[index]
            columns.append(field.name.map { String(cString: $0) } ?? "")
            let kind = Self.kind(of: field)
            kinds.append(kind)
            switch kind {
            case .int, .double:
                capacities.append(8)
            case .text, .bytes:
                capacities.append(min(max(Int(field.length), 16), Self.maximumInitialCapacity))
            }
        }
        self.columns = columns
        self.kinds = kinds
        self.capacities = capacities

        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        lengths = .allocate(capacity: max(count, 1))
        lengths.initialize(repeating: 0, count: max(count, 1))
        nulls = .allocate(capacity: max(count, 1))
        nulls.initialize(repeating: 0, count: max(count, 1))
        errors = .allocate(capacity: max(count, 1))
        errors.initialize(repeating: 0, count: max(count, 1))
        scratch = .allocate(capacity: 1)
        scratch.initialize(to: MYSQL_BIND())
        scratchLength = .allocate(capacity: 1)
        scratchLength.initialize(to: 0)
        scratchNull = .allocate(capacity: 1)
        scratchNull.initialize(to: 0)
        scratchError = .allocate(capacity: 1)
        scratchError.initialize(to: 0)

        for index in 0..<count {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacities[index], alignment: 8)
            buffers.append(buffer)
            binds[index].buffer = buffer
            binds[index].buffer_length = UInt(capacities[index])
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].error = errors + index
            switch kinds[index] {
            case .int(let unsigned):
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].is_unsigned = unsigned ? 1 : 0
            case .double:
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
            case .text:
                binds[index].buffer_type = MYSQL_TYPE_STRING
            case .bytes:
                binds[index].buffer_type = MYSQL_TYPE_BLOB
            }
        }
    }

    deinit {
        for buffer in buffers {
            buffer.deallocate()
        }
        binds.deinitialize(count: max(count, 1))
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
        scratch.deinitialize(count: 1)
        scratch.deallocate()
        scratchLength.deallocate()
        scratchNull.deallocate()
        scratchError.deallocate()
    }

    /// Converts the row most recently fetched into `binds`.
    func currentRow(statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> [MySQLValue] {
        var values: [MySQLValue] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            values.append(try value(at: index, statement: statement))
        }
        return values
    }

    private func value(at index: Int, statement: UnsafeMutablePointer<MYSQL_STMT>) throws -> MySQLValue {
        if nulls[index] != 0 { return .null }
        let buffer = buffers[index]
        switch kinds[index] {
        case .int(let unsigned):
            let raw = buffer.load(as: UInt64.self)
            if unsigned && raw > UInt64(Int64.max) {
                // BIGINT UNSIGNED beyond Int64 has no `.int` form; text keeps it exact.
                return .text(String(raw))
            }
            return .int(Int64(bitPattern: raw))
        case .double:
            return .double(buffer.load(as: Double.self))
        case .text:
            return .text(try withBytes(at: index, statement: statement) { String(decoding: $0, as: UTF8.self) })
        case .bytes:
            return .bytes(try withBytes(at: index, statement: statement) { Array($0) })
        }
    }

    /// The column's full bytes: from the bound buffer when they fit, otherwise fetched again into a
    /// buffer of the reported length (the MYSQL_DATA_TRUNCATED case).
    private func withBytes<R>(
        at index: Int,
        statement: UnsafeMutablePointer<MYSQL_STMT>,
        _ body: (UnsafeRawBufferPointer) -> R
    ) throws -> R {
        let length = Int(lengths[index])
        if length <= capacities[index] {
            return body(UnsafeRawBufferPointer(start: buffers[index], count: length))
        }
        let full = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
        defer { full.deallocate() }
        scratch.pointee = MYSQL_BIND()
        scratch.pointee.buffer = full
        scratch.pointee.buffer_length = UInt(length)
        scratch.pointee.buffer_type = binds[index].buffer_type
        scratch.pointee.length = scratchLength
        scratch.pointee.is_null = scratchNull
        scratch.pointee.error = scratchError
        if mysql_stmt_fetch_column(statement, scratch, UInt32(index), 0) != 0 {
            throw MySQLStatement.lastError(of: statement)
        }
        return body(UnsafeRawBufferPointer(start: full, count: min(Int(scratchLength.pointee), length)))
    }

    /// Integers become `.int`, floating point `.double`, binary strings `.bytes`; everything else
    /// (DECIMAL, dates, JSON, ENUM...) arrives as text so that no precision or format is lost.
    static func kind(of field: MYSQL_FIELD) -> Kind {
        let binaryCharset: UInt32 = 63
        switch field.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_INT24,
            MYSQL_TYPE_YEAR:
            return .int(unsigned: field.flags & UInt32(UNSIGNED_FLAG) != 0)
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .double
        case MYSQL_TYPE_BIT, MYSQL_TYPE_GEOMETRY:
            return .bytes
        case MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB,
            MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_STRING, MYSQL_TYPE_VARCHAR:
            return field.charsetnr == binaryCharset ? .bytes : .text
        default:
            return .text
        }
    }
}
