extension CMath {
    /// cmathmodule.c's special-value tables: the result for each kind of real part
    /// (row) and imaginary part (column), in `special_type` order: -inf, negative,
    /// -0, +0, positive, +inf, NaN. Cells for two finite nonzero parts are never read
    /// (CPython's placeholder `U`).
    ///
    /// These are 3.11's tables. Later CPythons changed a few cells (acosh and tanh of
    /// ±0 with a NaN imaginary part); the oracle test's grid of every function on every
    /// pair of kinds pins each cell to the installed python3.
    enum SpecialValues {
        static let P = CMath.pi, P14 = 0.25 * CMath.pi, P12 = 0.5 * CMath.pi, P34 = 0.75 * CMath.pi
        static let INF = Double.infinity, N = Double.nan
        static let U = -9.5426319407711027e33

        static func table(_ cells: [(Double, Double)]) -> [ComplexNumber] {
            precondition(cells.count == 49)
            return cells.map { ComplexNumber($0.0, $0.1) }
        }

        static let acos = table([
            (P34, INF), (P, INF), (P, INF), (P, -INF), (P, -INF), (P34, -INF), (N, INF),
            (P12, INF), (U, U), (U, U), (U, U), (U, U), (P12, -INF), (N, N),
            (P12, INF), (U, U), (P12, 0.0), (P12, -0.0), (U, U), (P12, -INF), (P12, N),
            (P12, INF), (U, U), (P12, 0.0), (P12, -0.0), (U, U), (P12, -INF), (P12, N),
            (P12, INF), (U, U), (U, U), (U, U), (U, U), (P12, -INF), (N, N),
            (P14, INF), (0.0, INF), (0.0, INF), (0.0, -INF), (0.0, -INF), (P14, -INF), (N, INF),
            (N, INF), (N, N), (N, N), (N, N), (N, N), (N, -INF), (N, N),
        ])

        static let acosh = table([
            (INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N),
            (INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (0.0, -P12), (0.0, P12), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (0.0, -P12), (0.0, P12), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N),
            (INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N),
            (INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N),
        ])

        static let asinh = table([
            (-INF, -P14), (-INF, -0.0), (-INF, -0.0), (-INF, 0.0), (-INF, 0.0), (-INF, P14), (-INF, N),
            (-INF, -P12), (U, U), (U, U), (U, U), (U, U), (-INF, P12), (N, N),
            (-INF, -P12), (U, U), (-0.0, -0.0), (-0.0, 0.0), (U, U), (-INF, P12), (N, N),
            (INF, -P12), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N),
            (INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N),
            (INF, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (INF, N), (N, N),
        ])

        static let atanh = table([
            (-0.0, -P12), (-0.0, -P12), (-0.0, -P12), (-0.0, P12), (-0.0, P12), (-0.0, P12), (-0.0, N),
            (-0.0, -P12), (U, U), (U, U), (U, U), (U, U), (-0.0, P12), (N, N),
            (-0.0, -P12), (U, U), (-0.0, -0.0), (-0.0, 0.0), (U, U), (-0.0, P12), (-0.0, N),
            (0.0, -P12), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (0.0, P12), (0.0, N),
            (0.0, -P12), (U, U), (U, U), (U, U), (U, U), (0.0, P12), (N, N),
            (0.0, -P12), (0.0, -P12), (0.0, -P12), (0.0, P12), (0.0, P12), (0.0, P12), (0.0, N),
            (0.0, -P12), (N, N), (N, N), (N, N), (N, N), (0.0, P12), (N, N),
        ])

        static let cosh = table([
            (INF, N), (U, U), (INF, 0.0), (INF, -0.0), (U, U), (INF, N), (INF, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (N, 0.0), (U, U), (1.0, 0.0), (1.0, -0.0), (U, U), (N, 0.0), (N, 0.0),
            (N, 0.0), (U, U), (1.0, -0.0), (1.0, 0.0), (U, U), (N, 0.0), (N, 0.0),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (INF, N), (U, U), (INF, -0.0), (INF, 0.0), (U, U), (INF, N), (INF, N),
            (N, N), (N, N), (N, 0.0), (N, 0.0), (N, N), (N, N), (N, N),
        ])

        static let exp = table([
            (0.0, 0.0), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (0.0, 0.0), (0.0, 0.0),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (N, N), (U, U), (1.0, -0.0), (1.0, 0.0), (U, U), (N, N), (N, N),
            (N, N), (U, U), (1.0, -0.0), (1.0, 0.0), (U, U), (N, N), (N, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (INF, N), (U, U), (INF, -0.0), (INF, 0.0), (U, U), (INF, N), (INF, N),
            (N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N),
        ])

        static let log = table([
            (INF, -P34), (INF, -P), (INF, -P), (INF, P), (INF, P), (INF, P34), (INF, N),
            (INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (-INF, -P), (-INF, P), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (-INF, -0.0), (-INF, 0.0), (U, U), (INF, P12), (N, N),
            (INF, -P12), (U, U), (U, U), (U, U), (U, U), (INF, P12), (N, N),
            (INF, -P14), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, P14), (INF, N),
            (INF, N), (N, N), (N, N), (N, N), (N, N), (INF, N), (N, N),
        ])

        static let sinh = table([
            (INF, N), (U, U), (-INF, -0.0), (-INF, 0.0), (U, U), (INF, N), (INF, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (0.0, N), (U, U), (-0.0, -0.0), (-0.0, 0.0), (U, U), (0.0, N), (0.0, N),
            (0.0, N), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (0.0, N), (0.0, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (INF, N), (U, U), (INF, -0.0), (INF, 0.0), (U, U), (INF, N), (INF, N),
            (N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N),
        ])

        static let sqrt = table([
            (INF, -INF), (0.0, -INF), (0.0, -INF), (0.0, INF), (0.0, INF), (INF, INF), (N, INF),
            (INF, -INF), (U, U), (U, U), (U, U), (U, U), (INF, INF), (N, N),
            (INF, -INF), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (INF, INF), (N, N),
            (INF, -INF), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (INF, INF), (N, N),
            (INF, -INF), (U, U), (U, U), (U, U), (U, U), (INF, INF), (N, N),
            (INF, -INF), (INF, -0.0), (INF, -0.0), (INF, 0.0), (INF, 0.0), (INF, INF), (INF, N),
            (INF, -INF), (N, N), (N, N), (N, N), (N, N), (INF, INF), (N, N),
        ])

        static let tanh = table([
            (-1.0, 0.0), (U, U), (-1.0, -0.0), (-1.0, 0.0), (U, U), (-1.0, 0.0), (-1.0, 0.0),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (N, N), (U, U), (-0.0, -0.0), (-0.0, 0.0), (U, U), (N, N), (N, N),
            (N, N), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (N, N), (N, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (1.0, 0.0), (U, U), (1.0, -0.0), (1.0, 0.0), (U, U), (1.0, 0.0), (1.0, 0.0),
            (N, N), (N, N), (N, -0.0), (N, 0.0), (N, N), (N, N), (N, N),
        ])

        static let rect = table([
            (INF, N), (U, U), (-INF, 0.0), (-INF, -0.0), (U, U), (INF, N), (INF, N),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (0.0, 0.0), (U, U), (-0.0, 0.0), (-0.0, -0.0), (U, U), (0.0, 0.0), (0.0, 0.0),
            (0.0, 0.0), (U, U), (0.0, -0.0), (0.0, 0.0), (U, U), (0.0, 0.0), (0.0, 0.0),
            (N, N), (U, U), (U, U), (U, U), (U, U), (N, N), (N, N),
            (INF, N), (U, U), (INF, -0.0), (INF, 0.0), (U, U), (INF, N), (INF, N),
            (N, N), (N, N), (N, 0.0), (N, 0.0), (N, N), (N, N), (N, N),
        ])
    }
}
