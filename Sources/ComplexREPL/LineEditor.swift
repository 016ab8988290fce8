import Glibc
import CLibedit

/// The only type that touches libedit: a prompt with line editing, persistent
/// history, Ctrl-R search, Tab completion and Ctrl-C that drops the line.
package final class LineEditor {
    /// What one read produced.
    package enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was dropped.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    let editLine: OpaquePointer
    let history: OpaquePointer
    let historyPath: String?
    var promptStorage: UnsafeMutablePointer<CChar>
    var interrupted = false
    /// Given the text before the cursor, the full words that could complete it.
    let complete: (String) -> [String]

    /// - Parameters:
    ///   - historyPath: where history is loaded from and saved to (created 0600), or nil.
    ///   - complete: candidates for the text before the cursor.
    package init?(program: String, historyPath: String?, complete: @escaping (String) -> [String]) {
        Self.setUTF8Locale()
        guard let editLine = cr_el_init(program), let history = history_init() else { return nil }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.complete = complete
        self.promptStorage = strdup(">>> ")

        cr_history_set_size(history, 1000)
        cr_history_set_unique(history, 1)
        if let historyPath { _ = cr_history_load(history, historyPath) }  // -1 when absent: fine

        cr_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        cr_el_set_editor(editLine, "emacs")
        cr_el_set_history(editLine, history)
        cr_el_set_prompt(editLine) { el in
            guard let el, let data = cr_el_get_client_data(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptStorage
        }
        cr_el_add_function(editLine, "cr-complete", "Complete the word before the cursor") { el, _ in
            guard let el, let data = cr_el_get_client_data(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeWord()
        }
        cr_el_add_function(editLine, "cr-interrupt", "Drop the line") { el, _ in
            guard let el, let data = cr_el_get_client_data(el) else { return UInt8(CC_EOF) }
            Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().interrupted = true
            return UInt8(CC_EOF)
        }
        cr_el_bind(editLine, "^I", "cr-complete")
        // ^C arrives as a key, not SIGINT, while a line is edited.
        cr_el_disable_isig(editLine)
        cr_el_bind(editLine, "^C", "cr-interrupt")
        cr_el_bind(editLine, "^R", "em-inc-search-prev")
        el_source(editLine, nil)  // the user's ~/.editrc, as every libedit program reads it
    }

    deinit {
        el_end(editLine)
        history_end(history)
        free(promptStorage)
    }

    /// Reads one line, with `prompt`.
    package func read(prompt: String) -> Input {
        free(promptStorage)
        promptStorage = strdup(prompt)
        interrupted = false
        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count), count > 0 else {
            return interrupted ? .interrupted : .endOfInput
        }
        var line = String(cString: raw)
        while line.last == "\n" || line.last == "\r\n" || line.last == "\r" { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to history and saves the history file at once, so a crash or a
    /// second session loses nothing typed here.
    package func remember(_ line: String) {
        cr_history_enter(history, line)
        guard let historyPath else { return }
        Self.makeParentDirectory(of: historyPath)
        // Save to a private temporary file and rename: the history is never half-written.
        let temporary = historyPath + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        close(fd)
        if cr_history_save(history, temporary) >= 0 {
            chmod(temporary, 0o600)
            rename(temporary, historyPath)
        } else {
            unlink(temporary)
        }
    }

    func completeWord() -> UInt8 {
        guard let info = el_line(editLine)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self), count: length), as: UTF8.self)
        let start = Completer.wordStart(in: before)
        let word = before[start...]
        let candidates = complete(before)
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let prefix = Completer.commonPrefix(candidates)
        if prefix.count > word.count {
            _ = el_insertstr(editLine, String(prefix.dropFirst(word.count)))
            return UInt8(CC_REFRESH)
        }
        if candidates.count > 1 {
            let list = candidates.joined(separator: "  ")
            var out = BufferedOutput(fileDescriptor: 1); out.write("\n\(list)\n"); out.flush()
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_REFRESH)
    }

    /// `mkdir -p` of the file's directory, new parts created 0700.
    static func makeParentDirectory(of path: String) {
        for slash in path.indices.dropFirst() where path[slash] == "/" {
            mkdir(String(path[..<slash]), 0o700)  // EEXIST for the parts that are there
        }
    }

    /// libedit drops non-ASCII input unless LC_CTYPE names a multibyte codeset.
    static func setUTF8Locale() {
        setlocale(LC_CTYPE, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }
}
