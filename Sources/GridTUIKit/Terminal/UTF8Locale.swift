#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process locale. Wide-character curses needs a UTF-8 locale, or every non-ASCII
/// character comes out as garbage; `activate()` adopts the user's locale and says whether it is.
public enum UTF8Locale {
    /// Sets the locale from the environment (LANG, LC_ALL, LC_CTYPE); returns the character
    /// set's name when it is not UTF-8, nil when it is.
    public static func activate() -> String? {
        setlocale(LC_ALL, "")
        let codeset = nl_langinfo(nl_item(CODESET)).map { String(cString: $0) } ?? ""
        let normalized = String(codeset.uppercased().filter { $0 != "-" })
        return normalized == "UTF8" ? nil : (codeset.isEmpty ? "unknown" : codeset)
    }

    public static func message(codeset: String) -> String {
        "grid-tui: the terminal locale uses \(codeset), not UTF-8; set LANG=C.UTF-8 (or another UTF-8 locale) and run again"
    }
}
