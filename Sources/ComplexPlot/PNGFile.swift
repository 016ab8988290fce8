import CPNG
import Glibc

/// Writes 8-bit RGB pictures as PNG files with libpng.
///
/// The file appears whole or not at all: libpng writes a temporary file beside it,
/// which is renamed over the destination only once complete. libpng (and zlib) are
/// loaded with `dlopen` when the first picture is written: linked in, they cost every
/// `complex-repl -e 1+1` 0.1 ms of loading (2.3 against 2.4 ms, hyperfine).
package enum PNGFile {
    /// libpng's shared library, as Debian's libpng16-16 installs it.
    static let libraryName = "libpng16.so.16"

    typealias WriteToFile = @convention(c) (
        UnsafeMutablePointer<png_image>?, UnsafePointer<CChar>?, Int32, UnsafeRawPointer?, Int32, UnsafeRawPointer?
    ) -> Int32
    typealias Free = @convention(c) (UnsafeMutablePointer<png_image>?) -> Void

    /// libpng's two functions, or why they cannot be had.
    static let library: Result<(write: WriteToFile, free: Free), PlotError> = {
        guard let handle = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL),
              let write = dlsym(handle, "png_image_write_to_file"),
              let free = dlsym(handle, "png_image_free") else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(.cannotWrite("cannot load libpng (\(reason)); install it (Debian: apt-get install libpng16-16)"))
        }
        return .success((unsafeBitCast(write, to: WriteToFile.self), unsafeBitCast(free, to: Free.self)))
    }()

    /// Writes `pixels` (RGB, row after row) as a `width`×`height` PNG at `path`.
    package static func write(_ pixels: [UInt8], width: Int, height: Int, to path: String) throws(PlotError) {
        precondition(pixels.count == width * height * 3)
        let png = try library.get()
        let temporary = path + ".partial-\(getpid())"
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        errno = 0
        let written = pixels.withUnsafeBytes { raw in
            png.write(&image, temporary, 0, raw.baseAddress, Int32(width * 3), nil)
        }
        if written == 0 {
            let cause = errno != 0 ? String(cString: strerror(errno)) : withUnsafeBytes(of: image.message) { raw in
                "libpng: " + String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            png.free(&image)
            unlink(temporary)
            throw .cannotWrite("cannot write '\(path)': \(cause)")
        }
        png.free(&image)
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotWrite("cannot write '\(path)': \(reason)")
        }
    }
}
