/// Finds white cells by their stained nuclei (steps 1–8 of the canonical view; Training/canonical_view.py
/// `find` is the same rule in numpy). Integers only, apart from Otsu's score, so both sides give the same boxes.
public enum NucleusFinder {
    /// A white cell: its nucleus box and the square cut around it, in the picture's pixels.
    public struct Cell: Sendable, Equatable {
        /// The nucleus box; the end is exclusive (x + width).
        public let x: Int, y: Int, width: Int, height: Int
        /// Nucleus pixels in the small copy (the ordering key).
        public let nucleusArea: Int
        /// The square to cut; it may reach outside the picture.
        public let cropX: Int, cropY: Int, cropSide: Int

        public init(x: Int, y: Int, width: Int, height: Int, nucleusArea: Int, cropX: Int, cropY: Int, cropSide: Int) {
            (self.x, self.y, self.width, self.height) = (x, y, width, height)
            self.nucleusArea = nucleusArea
            (self.cropX, self.cropY, self.cropSide) = (cropX, cropY, cropSide)
        }
    }

    public struct Result: Sendable, Equatable {
        /// Largest nucleus first; empty when nothing was found.
        public let cells: [Cell]
        /// The estimated background colour, for padding.
        public let background: (r: UInt8, g: UInt8, b: UInt8)
        /// Block side of the small copy, and the nucleus threshold used there.
        public let scale: Int
        public let threshold: Int
        /// Mean colour of the nucleus mask (every small-copy pixel at or above the threshold), for the
        /// stain check: the nucleus colour against `background` says which dye and how much. Nil when the
        /// mask is empty.
        public let nucleus: (r: UInt8, g: UInt8, b: UInt8)?

        public init(cells: [Cell], background: (r: UInt8, g: UInt8, b: UInt8), scale: Int, threshold: Int,
                    nucleus: (r: UInt8, g: UInt8, b: UInt8)? = nil) {
            self.cells = cells
            self.background = background
            self.scale = scale
            self.threshold = threshold
            self.nucleus = nucleus
        }

        /// No nucleus: the view falls back to the whole picture.
        public var fellBack: Bool { cells.isEmpty }

        public static func == (a: Result, b: Result) -> Bool {
            a.cells == b.cells && a.background == b.background && a.scale == b.scale && a.threshold == b.threshold
                && a.nucleus.map { [$0.r, $0.g, $0.b] } == b.nucleus.map { [$0.r, $0.g, $0.b] }
        }
    }

    public static func find(_ image: RGBImage, rule: CanonicalViewRule = .standard) -> Result {
        let s = max(1, (max(image.width, image.height) + rule.smallSide - 1) / rule.smallSide)
        let sw = image.width / s, sh = image.height / s, n = sw * sh, ss = s * s
        // A picture thinner than one s×s block (say 1×1000) has no small copy to look in, and the background's
        // mean would divide by zero: the whole picture is the view.
        guard n > 0 else { return Result(cells: [], background: (255, 255, 255), scale: s, threshold: 0) }
        // 1. Block sums per channel.
        var sums = [Int32](repeating: 0, count: n * 3)
        image.pixels.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<sh {
                    let out = oy * sw * 3
                    for dy in 0..<s {
                        var i = (oy * s + dy) * image.width * 3
                        for ox in 0..<sw {
                            var r: Int32 = 0, g: Int32 = 0, b: Int32 = 0
                            for _ in 0..<s {
                                r &+= Int32(src[i]); g &+= Int32(src[i + 1]); b &+= Int32(src[i + 2])
                                i += 3
                            }
                            let o = out + ox * 3
                            dst[o] &+= r; dst[o + 1] &+= g; dst[o + 2] &+= b
                        }
                    }
                }
            }
        }
        // 2. Background: mean colour of the brightest quarter of the small copy. It comes first because the
        // score below is measured against it.
        var brightHistogram = [Int](repeating: 0, count: 766)
        var brightness = [Int16](repeating: 0, count: n)
        for p in 0..<n {
            let light = Int((sums[p * 3] + sums[p * 3 + 1] + sums[p * 3 + 2]) / Int32(ss))
            brightness[p] = Int16(light)
            brightHistogram[light] += 1
        }
        var above = 0, level = 765
        while level > 0 {
            above += brightHistogram[level]
            if 4 * above >= n { break }
            level -= 1
        }
        var total = (0, 0, 0), count = 0
        for p in 0..<n where Int(brightness[p]) >= level {
            total.0 += Int(sums[p * 3]); total.1 += Int(sums[p * 3 + 1]); total.2 += Int(sums[p * 3 + 2])
            count += 1
        }
        let mean = { (sum: Int) in UInt8((2 * sum + count * ss) / (2 * count * ss)) }
        let background = (r: mean(total.0), g: mean(total.1), b: mean(total.2))
        // 3. Score: blue minus green after white balance on the background, B/bgB − G/bgG scaled to 0…255, as
        // 255·(ΣB·bgG − ΣG·bgB) // (s²·bgG·bgB) in 64-bit integers. Raw B − G (v1) fails under a yellowish stain:
        // the background itself has far less blue than green (≈ (250, 222, 152)), which pulls a nucleus's raw
        // B − G under any usable floor; measured against the background it about doubles (a (85, 40, 80)
        // nucleus there: raw 40, balanced 88).
        // A background channel of 0 (a black picture) counts as 1 so the division is defined.
        let bgG = max(1, Int(background.g)), bgB = max(1, Int(background.b))
        let divisor = ss * bgG * bgB
        var score = [UInt8](repeating: 0, count: n)
        var scoreHistogram = [Int](repeating: 0, count: 256)
        for p in 0..<n {
            let g = Int(sums[p * 3 + 1]), b = Int(sums[p * 3 + 2])
            let v = min(max(0, 255 * (b * bgG - g * bgB)) / divisor, 255)
            score[p] = UInt8(v)
            scoreHistogram[v] += 1
        }
        // 4. Threshold.
        let threshold = max(rule.minScore, otsu(scoreHistogram))
        let nucleus = maskColour(sums, score: score, threshold: threshold, blockArea: ss)
        // 5. Pieces of the mask.
        let pieces = components(score, width: sw, height: sh, threshold: UInt8(min(threshold, 255)))
            .filter { $0.area >= rule.minPiece }
        // 6–7. Cells.
        var grouped = group(pieces, rule: rule)
        grouped.sort { ($0.area, -$0.seed) > ($1.area, -$1.seed) }
        var cells: [Cell] = []
        if let largest = grouped.first?.area {
            for c in grouped where c.area * 1000 >= rule.minCellPerMille * n && c.area * rule.relative >= largest {
                // 8. Box in picture pixels and the square around it.
                let bx0 = c.x0 * s, by0 = c.y0 * s, bx1 = min(image.width, c.x1 * s), by1 = min(image.height, c.y1 * s)
                let side = max(rule.minCrop, (max(bx1 - bx0, by1 - by0) * rule.sideTenths + 5) / 10)
                cells.append(Cell(x: bx0, y: by0, width: bx1 - bx0, height: by1 - by0, nucleusArea: c.area,
                                  cropX: (bx0 + bx1 - side) >> 1, cropY: (by0 + by1 - side) >> 1, cropSide: side))
            }
        }
        return Result(cells: cells, background: background, scale: s, threshold: threshold, nucleus: nucleus)
    }

    /// Mean colour of the small-copy pixels whose score reaches `threshold`, rounded as the background's is.
    static func maskColour(_ sums: [Int32], score: [UInt8], threshold: Int, blockArea ss: Int) -> (r: UInt8, g: UInt8, b: UInt8)? {
        var total = (0, 0, 0), count = 0
        for p in score.indices where Int(score[p]) >= threshold {
            total.0 += Int(sums[p * 3]); total.1 += Int(sums[p * 3 + 1]); total.2 += Int(sums[p * 3 + 2])
            count += 1
        }
        guard count > 0 else { return nil }
        let mean = { (sum: Int) in UInt8((2 * sum + count * ss) / (2 * count * ss)) }
        return (mean(total.0), mean(total.1), mean(total.2))
    }

    /// The threshold t (mask: value ≥ t) with the largest between-class variance; the first maximum wins.
    static func otsu(_ histogram: [Int]) -> Int {
        let n = histogram.reduce(0, +)
        var totalInt = 0
        for (i, c) in histogram.enumerated() { totalInt += i * c }
        let total = Double(totalInt)
        var best = -1.0, bestT = 0, w0 = 0, sum0 = 0
        for t in 1..<histogram.count {
            w0 += histogram[t - 1]
            sum0 += (t - 1) * histogram[t - 1]
            let w1 = n - w0
            if w0 == 0 || w1 == 0 { continue }
            let m0 = Double(sum0) / Double(w0)
            let m1 = (total - Double(sum0)) / Double(w1)
            let v = Double(w0) * Double(w1) * (m0 - m1) * (m0 - m1)
            if v > best { best = v; bestT = t }
        }
        return bestT
    }

    struct Piece: Equatable {
        var area: Int, x0: Int, y0: Int, x1: Int, y1: Int
    }

    /// 8-connected pieces of `value ≥ threshold`, in raster order of their first pixel; boxes end exclusive.
    static func components(_ values: [UInt8], width w: Int, height h: Int, threshold: UInt8) -> [Piece] {
        var label = [Int32](repeating: -1, count: values.count)
        var pieces: [Piece] = []
        var stack: [Int] = []
        for start in 0..<values.count where values[start] >= threshold && label[start] < 0 {
            let index = Int32(pieces.count)
            label[start] = index
            stack.append(start)
            var piece = Piece(area: 0, x0: start % w, y0: start / w, x1: start % w + 1, y1: start / w + 1)
            while let p = stack.popLast() {
                let cx = p % w, cy = p / w
                piece.area += 1
                piece.x0 = min(piece.x0, cx); piece.x1 = max(piece.x1, cx + 1)
                piece.y0 = min(piece.y0, cy); piece.y1 = max(piece.y1, cy + 1)
                for ny in max(0, cy - 1)...min(h - 1, cy + 1) {
                    for nx in max(0, cx - 1)...min(w - 1, cx + 1) {
                        let q = ny * w + nx
                        if values[q] >= threshold && label[q] < 0 {
                            label[q] = index
                            stack.append(q)
                        }
                    }
                }
            }
            pieces.append(piece)
        }
        return pieces
    }

    struct Grouped {
        var area: Int, x0: Int, y0: Int, x1: Int, y1: Int, seed: Int
    }

    /// Largest piece first becomes a cell; pieces close to its box join it until none does.
    static func group(_ pieces: [Piece], rule: CanonicalViewRule) -> [Grouped] {
        let order = pieces.indices.sorted { (pieces[$0].area, -$0) > (pieces[$1].area, -$1) }
        var taken = [Bool](repeating: false, count: pieces.count)
        var cells: [Grouped] = []
        let num2 = rule.mergeNumerator * rule.mergeNumerator, den2 = rule.mergeDenominator * rule.mergeDenominator
        for seed in order where !taken[seed] {
            taken[seed] = true
            let p = pieces[seed]
            var cell = Grouped(area: p.area, x0: p.x0, y0: p.y0, x1: p.x1, y1: p.y1, seed: seed)
            var joined = true
            while joined {
                joined = false
                for i in order where !taken[i] {
                    let q = pieces[i]
                    let gx = max(0, max(cell.x0, q.x0) - min(cell.x1, q.x1))
                    let gy = max(0, max(cell.y0, q.y0) - min(cell.y1, q.y1))
                    let gap = max(gx, gy)
                    if gap * gap * den2 <= num2 * cell.area {
                        taken[i] = true
                        joined = true
                        cell.area += q.area
                        cell.x0 = min(cell.x0, q.x0); cell.y0 = min(cell.y0, q.y0)
                        cell.x1 = max(cell.x1, q.x1); cell.y1 = max(cell.y1, q.y1)
                    }
                }
            }
            cells.append(cell)
        }
        return cells
    }
}
