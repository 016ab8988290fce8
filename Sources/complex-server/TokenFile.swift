import ArgumentParser
import Glibc

/// `--token-file`: the bearer token kept out of the command line, where `ps` shows it.
enum TokenFile {
    /// The file's first line, without surrounding blanks; an error that names the file
    /// when it cannot be read or holds no token.
    static func read(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else {
            throw ValidationError("--token-file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while bytes.count <= 4096 {
            let c = getc(file)
            if c == EOF || c == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingBlanks()
        guard !token.isEmpty else {
            throw ValidationError("--token-file \(path): the file holds no token (write it on the first line)")
        }
        guard bytes.count <= 4096 else {
            throw ValidationError("--token-file \(path): the first line is longer than 4096 bytes")
        }
        return token
    }

    /// True when the group or others may read the file.
    static func isReadableByOthers(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & (S_IRGRP | S_IROTH) != 0
    }
}

extension String {
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
