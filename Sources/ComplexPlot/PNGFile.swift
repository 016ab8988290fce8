import CPNG
import Glibc

/// Writes 8-bit RGB pictures as PNG files with libpng.
///
/// The file appears whole or not at all: libpng writes a temporary file beside it,
/// which is renamed over the destination only once complete.
public enum PNGFile {
    /// Writes `pixels` (RGB, row after row) as a `width`×`height` PNG at `path`.
    public static func write(_ pixels: [UInt8], width: Int, height: Int, to path: String) throws(PlotError) {
        precondition(pixels.count == width * height * 3)
        let temporary = path + ".partial-\(getpid())"
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let written = pixels.withUnsafeBytes { raw in
            png_image_write_to_file(&image, temporary, 0, raw.baseAddress, Int32(width * 3), nil)
        }
        if written == 0 {
            let reason = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            png_image_free(&image)
            unlink(temporary)
            let cause = errno != 0 ? String(cString: strerror(errno)) : reason
            throw .cannotWrite("cannot write '\(path)': \(cause) (libpng: \(reason))")
        }
        png_image_free(&image)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite("cannot write '\(path)': \(reason)")
        }
    }
}
