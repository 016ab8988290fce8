import ComplexLanguage
import Glibc

/// mpmath's `cplot` colouring (`mpmath.visualization.default_color_function`), to the
/// letter: hue from `arg f` (red on the positive reals), lightness `1 − 1/(1 + |f|^0.3)`,
/// saturation 0.8, through Python's `colorsys.hls_to_rgb`; an infinite value white, NaN
/// grey. A point whose evaluation failed is painted as NaN.
package enum DomainColouring {
    /// The 8-bit RGB colour of `value`, each channel Python's `round(255 c)` (halves to even).
    @inlinable
    package static func rgb(_ value: Value) -> (UInt8, UInt8, UInt8) {
        let z = value.complexValue
        if z.re.isInfinite || z.im.isInfinite { return (255, 255, 255) }
        if z.re.isNaN || z.im.isNaN { return nanColour }
        var hue = (atan2(z.im, z.re) + Double.pi) / (2 * Double.pi)
        hue = pythonModulo(hue + 0.5)
        let lightness = 1.0 - 1 / (1.0 + pow(hypot(z.re, z.im), 0.3))
        return hlsToRGB(hue, lightness, 0.8)
    }

    /// NaN, and every failed point: grey, 0.5 in each channel.
    package static let nanColour: (UInt8, UInt8, UInt8) = (128, 128, 128)

    /// `colorsys.hls_to_rgb`, then 8 bits a channel.
    @inlinable
    static func hlsToRGB(_ h: Double, _ l: Double, _ s: Double) -> (UInt8, UInt8, UInt8) {
        let m2 = l <= 0.5 ? l * (1.0 + s) : l + s - (l * s)
        let m1 = 2.0 * l - m2
        return (byte(v(m1, m2, h + 1.0 / 3.0)), byte(v(m1, m2, h)), byte(v(m1, m2, h - 1.0 / 3.0)))
    }

    @inlinable
    static func v(_ m1: Double, _ m2: Double, _ hue: Double) -> Double {
        let hue = pythonModulo(hue)
        if hue < 1.0 / 6.0 { return m1 + (m2 - m1) * hue * 6.0 }
        if hue < 0.5 { return m2 }
        if hue < 2.0 / 3.0 { return m1 + (m2 - m1) * (2.0 / 3.0 - hue) * 6.0 }
        return m1
    }

    /// Python's `x % 1.0`: in [0, 1) for finite x.
    @inlinable
    static func pythonModulo(_ x: Double) -> Double {
        var r = fmod(x, 1.0)
        if r != 0 {
            if r < 0 { r += 1.0 }
        } else {
            r = 0
        }
        return r
    }

    @inlinable
    static func byte(_ c: Double) -> UInt8 {
        UInt8(max(0, min(255, (c * 255).rounded(.toNearestOrEven))))
    }
}
