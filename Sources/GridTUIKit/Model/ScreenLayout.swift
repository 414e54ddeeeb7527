/// Where each part of the screen goes for a terminal size: the status bar on top, the banner
/// under it while something is wrong, the current cell's line, the grid with the users and
/// history panels on its right, and the prompt line at the bottom. The model uses it to keep
/// the cursor in view, the renderer to draw; both get the same answer.
public struct ScreenLayout: Hashable, Sendable {
    public static let minimumSize = TerminalSize(rows: 8, columns: 32)

    public var statusBar: Rect
    public var banner: Rect
    public var cellBar: Rect
    public var grid: Rect
    public var users: Rect
    public var history: Rect
    public var modeLine: Rect
    public var isTooSmall: Bool

    public static func make(size: TerminalSize, bannerLines: Int, showUsers: Bool, showHistory: Bool, userCount: Int) -> ScreenLayout {
        let rows = size.rows
        let columns = size.columns
        let tooSmall = rows < minimumSize.rows || columns < minimumSize.columns
        let bannerRows = tooSmall ? 0 : min(bannerLines, 3)
        let bodyTop = 2 + bannerRows
        let bodyHeight = max(0, rows - 1 - bodyTop)
        let sidebarWidth = (showUsers || showHistory) && columns >= 60 ? min(44, max(28, columns * 36 / 100)) : 0
        let sidebarLeft = columns - sidebarWidth
        var users = Rect.empty
        var history = Rect.empty
        if sidebarWidth > 0 {
            switch (showUsers, showHistory) {
            case (true, true):
                let usersHeight = max(2, min(userCount + 1, max(3, bodyHeight / 3)))
                users = Rect(row: bodyTop, column: sidebarLeft, height: usersHeight, width: sidebarWidth)
                history = Rect(row: bodyTop + usersHeight, column: sidebarLeft, height: bodyHeight - usersHeight, width: sidebarWidth)
            case (true, false):
                users = Rect(row: bodyTop, column: sidebarLeft, height: bodyHeight, width: sidebarWidth)
            default:
                history = Rect(row: bodyTop, column: sidebarLeft, height: bodyHeight, width: sidebarWidth)
            }
        }
        return ScreenLayout(
            statusBar: Rect(row: 0, column: 0, height: 1, width: columns),
            banner: Rect(row: 1, column: 0, height: bannerRows, width: columns),
            cellBar: Rect(row: 1 + bannerRows, column: 0, height: 1, width: columns),
            grid: Rect(row: bodyTop, column: 0, height: bodyHeight, width: sidebarLeft),
            users: users,
            history: history,
            modeLine: Rect(row: max(0, rows - 1), column: 0, height: 1, width: columns),
            isTooSmall: tooSmall
        )
    }
}
