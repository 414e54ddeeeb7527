/// The red banner under the status bar while something has failed.
enum BannerRenderer {
    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme.banner)
        for (offset, line) in model.bannerLines.prefix(area.height).enumerated() {
            buffer.write(" " + line, row: area.row + offset, column: area.column, width: area.width, style: theme.banner)
        }
    }
}
