/// Splits a batch of rows into multi-row statements whose sizes are powers of two up to a
/// maximum. A statement's SQL text depends on its row count, and each text is a prepared
/// statement on the connection: any batch size would prepare a new one, these sizes keep the
/// set small and fixed (10 texts per table for a maximum of 512), so every batch reuses them.
public enum StatementChunks {
    public static func sizes(for count: Int, maximum: Int = 512) -> [Int] {
        precondition(maximum > 0 && maximum & (maximum - 1) == 0, "maximum must be a power of two")
        var sizes: [Int] = []
        var left = count
        while left >= maximum {
            sizes.append(maximum)
            left -= maximum
        }
        var size = maximum >> 1
        while left > 0 && size > 0 {
            if left >= size {
                sizes.append(size)
                left -= size
            }
            size >>= 1
        }
        return sizes
    }

    /// The ranges of `0..<count` that `sizes(for:maximum:)` gives.
    public static func ranges(for count: Int, maximum: Int = 512) -> [Range<Int>] {
        var start = 0
        return sizes(for: count, maximum: maximum).map { size in
            defer { start += size }
            return start..<(start + size)
        }
    }
}
