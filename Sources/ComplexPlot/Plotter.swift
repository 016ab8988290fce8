import ComplexLanguage

/// Evaluates an expression in `z` at every pixel of a region and colours it.
///
/// Every point's operations go to the backend: the points are evaluated in bands, each
/// band a window of the evaluator, so a pipelining backend has every ready operation
/// of the band in flight at once, and memory stays bounded whatever the size.
public struct Plotter {
    /// The expression, its calls expanded; node 0 stands for `z`.
    let template: SyntaxTree
    let backend: any Backend
    let lookup: (String) -> Value?

    /// Nodes evaluated together at the most: a band holds this many nodes' worth of points.
    static let bandNodes = 1 << 16

    /// - Parameters:
    ///   - expression: an expression in `z`; free names are read with `lookup`.
    ///   - scope: the user's functions and variables.
    ///   - lookup: a variable's value (`ans` and `_` for the last result), or nil.
    public init(expression: String, scope: Scope, backend: any Backend, lookup: @escaping (String) -> Value?) throws(PlotError) {
        do throws(Diagnostic) {
            template = try Parser.parse(expression, in: "z", scope: scope)
        } catch {
            throw .badExpression("\(error.message) (in '\(expression)', column \(error.column(in: Array(expression.utf8))))")
        }
        for case .name(let name, _) in template.nodes where lookup(name) == nil {
            throw .badExpression("name '\(name)' is not defined in '\(expression)': the expression is in z; assign \(name) first (\(name) = 1+2j)")
        }
        self.backend = backend
        self.lookup = lookup
    }

    /// What a finished plot did.
    public struct Summary: Sendable {
        public var points: Int
        public var operations: Int
    }

    /// Colours every pixel of `region` into `pixels` (RGB, row after row, 3 bytes a
    /// pixel); `progress` gets the fraction done after each band. Throws, leaving the
    /// picture unfinished, when the backend fails.
    public func render(_ region: PlotRegion, into pixels: inout [UInt8], progress: (Double) -> Void = { _ in }) throws(PlotError) -> Summary {
        let total = region.width * region.height
        pixels = [UInt8](repeating: 0, count: total * 3)
        let band = max(1, Self.bandNodes / max(template.nodes.count, 1))
        var evaluator = Evaluator()
        var first = 0
        let before = evaluator.operationCount
        while first < total {
            let end = min(first + band, total)
            evaluator.reset()
            for index in first..<end {
                let point = region.point(column: index % region.width, row: index / region.width)
                evaluator.add(template, replacingNode: 0, with: .complex(point))
            }
            evaluator.evaluate(backend: backend, lookup: lookup)
            if let failure = evaluator.backendFailure {
                throw .backend(failure.message)
            }
            pixels.withUnsafeMutableBufferPointer { out in
                for index in first..<end {
                    let colour: (UInt8, UInt8, UInt8)
                    switch evaluator.result(of: index - first) {
                    case .success(let value): colour = DomainColouring.rgb(value)
                    case .failure: colour = DomainColouring.nanColour
                    }
                    out[3 * index] = colour.0
                    out[3 * index + 1] = colour.1
                    out[3 * index + 2] = colour.2
                }
            }
            first = end
            progress(Double(first) / Double(total))
        }
        return Summary(points: total, operations: evaluator.operationCount - before)
    }
}
