import ComplexLanguage

/// Evaluates an expression in `z` at every pixel of a region and colours it.
///
/// Every point's operations go to the backend: the points are evaluated in bands
/// (`PointwiseEvaluator`), node after node, each node's operations at every point of
/// the band in one batch, so a pipelining backend has them all in flight at once, and
/// memory stays bounded whatever the size.
package struct Plotter {
    /// The expression, its calls expanded; node 0 stands for `z`.
    let template: SyntaxTree
    let backend: any Backend
    let lookup: (String) -> Value?

    /// Nodes evaluated together at the most: a band holds this many nodes' worth of points.
    static let bandNodes = 1 << 16

    /// - Parameters:
    ///   - expression: an expression in `z`; free names are read with `lookup`.
    ///   - functions: the user's functions.
    ///   - lookup: a variable's value (`ans` and `_` for the last result), or nil.
    package init(expression: String, functions: [String: UserFunction], backend: any Backend, lookup: @escaping (String) -> Value?) throws(PlotError) {
        do throws(Diagnostic) {
            template = try Parser.parse(expression, in: "z", functions: functions)
        } catch {
            throw .badExpression("\(error.message) (in '\(expression)', column \(error.column(in: Array(expression.utf8))))")
        }
        for case .name(let text, _) in template.nodes where lookup(template.strings[text]) == nil {
            let name = template.strings[text]
            throw .badExpression("name '\(name)' is not defined in '\(expression)': the expression is in z; assign \(name) first (\(name) = 1+2j)")
        }
        self.backend = backend
        self.lookup = lookup
    }

    /// What a finished plot did.
    package struct Summary: Sendable {
        package var points: Int
        package var operations: Int
        /// How long the operations took: the grid's evaluation on the backend, without
        /// colouring the points or writing the picture.
        package var evaluationSeconds: Double
    }

    /// Colours every pixel of `region` into `pixels` (RGB, row after row, 3 bytes a
    /// pixel); `progress` gets the fraction done after each band. Throws, leaving the
    /// picture unfinished, when the backend fails.
    package func render(_ region: PlotRegion, into pixels: inout [UInt8], progress: (Double) -> Void = { _ in }) throws(PlotError) -> Summary {
        let total = region.width * region.height
        pixels = [UInt8](repeating: 0, count: total * 3)
        let band = max(1, Self.bandNodes / max(template.nodes.count, 1))
        var evaluator = PointwiseEvaluator()
        var points: [Value] = []
        var outcomes: [Value?] = []
        var first = 0
        var elapsed = Duration.zero
        while first < total {
            let end = min(first + band, total)
            points.removeAll(keepingCapacity: true)
            for index in first..<end {
                points.append(.complex(region.point(column: index % region.width, row: index / region.width)))
            }
            let start = ContinuousClock.now
            evaluator.evaluate(template, replacingNode: 0, with: points, backend: backend, lookup: lookup, into: &outcomes)
            elapsed += ContinuousClock.now - start
            if let failure = evaluator.backendFailure {
                throw .backend(failure.message)
            }
            pixels.withUnsafeMutableBufferPointer { out in
                for (offset, outcome) in outcomes.enumerated() {
                    let colour = outcome.map(DomainColouring.rgb) ?? DomainColouring.nanColour
                    let index = 3 * (first + offset)
                    out[index] = colour.0
                    out[index + 1] = colour.1
                    out[index + 2] = colour.2
                }
            }
            first = end
            progress(Double(first) / Double(total))
        }
        return Summary(points: total, operations: evaluator.operationCount, evaluationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
