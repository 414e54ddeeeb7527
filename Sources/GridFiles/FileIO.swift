import Foundation

/// The only place GridFiles touches the file system: whole-file reads, and atomic writes so a
/// failed export never leaves a partial file where the old one was.
enum FileIO {
    static func read(_ url: URL) throws(GridFileError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw GridFileError(.unreadable, "cannot read the file: \(reason(error))", file: displayName(url))
        }
    }

    /// Writes through a temporary file renamed into place (Foundation's `.atomic`).
    static func write(_ data: Data, to url: URL) throws(GridFileError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw GridFileError(.unwritable, "cannot write the file: \(reason(error))", file: displayName(url))
        }
    }

    /// What error messages call the file: the name a person chose, not the whole path.
    static func displayName(_ url: URL) -> String {
        url.lastPathComponent.isEmpty ? url.path : url.lastPathComponent
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}
