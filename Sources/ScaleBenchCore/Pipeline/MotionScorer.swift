import Random

/// The `pixels` worker's real work: average the luma plane over 8×8 blocks and score
/// motion as the mean absolute difference from the previous frame's grid (0…1).
///
/// Buffers are allocated for the first frame's size and reused; a size change reallocates
/// and scores 0 for that frame.
public struct MotionScorer {
    public static let block = 8
    private var previous: [UInt16] = []
    private var current: [UInt16] = []
    private var gridWidth = 0
    private var gridHeight = 0

    public init() {}

    public mutating func score(_ frame: Frame) -> Double {
        let gw = max(frame.pixels.layout.width / Self.block, 1), gh = max(frame.pixels.layout.height / Self.block, 1)
        var fresh = false
        if gw != gridWidth || gh != gridHeight {
            gridWidth = gw
            gridHeight = gh
            previous = [UInt16](repeating: 0, count: gw * gh)
            current = previous
            fresh = true
        }
        downscaleLuma(frame)
        var total: UInt64 = 0
        if !fresh {
            for i in 0..<current.count {
                let a = Int(current[i]), b = Int(previous[i])
                total += UInt64(a > b ? a - b : b - a)
            }
        }
        swap(&previous, &current)
        return fresh ? 0 : Double(total) / Double(gw * gh) / 255
    }

    private mutating func downscaleLuma(_ frame: Frame) {
        // The buffer's own geometry: pixels are read only where they are.
        let layout = frame.pixels.layout
        let block = Self.block, width = layout.width, height = layout.height
        let gw = gridWidth, gh = gridHeight
        let area = UInt32(block * block)
        let bytes = frame.pixels.bytes
        current.withUnsafeMutableBufferPointer { grid in
            for gy in 0..<gh {
                for gx in 0..<gw {
                    var sum: UInt32 = 0
                    for y in (gy * block)..<min((gy + 1) * block, height) {
                        let row = layout.offset(plane: 0, row: y)
                        for x in (gx * block)..<min((gx + 1) * block, width) {
                            switch layout.format {
                            case .yuv420p:
                                sum &+= UInt32(bytes[row + x])
                            case .rgb24:
                                let p = row + x * 3
                                // BT.601 luma in fixed point.
                                sum &+= (77 &* UInt32(bytes[p]) &+ 150 &* UInt32(bytes[p + 1]) &+ 29 &* UInt32(bytes[p + 2])) >> 8
                            }
                        }
                    }
                    grid[gy * gw + gx] = UInt16(sum / area)
                }
            }
        }
    }
}
