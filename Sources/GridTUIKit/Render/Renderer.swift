/// Draws the model into a screen buffer: a pure function of the model and the size, so the
/// same model always gives the same screen and tests compare it line by line.
public enum Renderer {
    public static func render(_ model: TUIModel, size: TerminalSize) -> ScreenBuffer {
        var model = model
        if model.size != size { model.resize(to: size) }
        var buffer = ScreenBuffer(size: size)
        let layout = model.layout
        let theme = Theme(options: model.options)
        if layout.isTooSmall {
            let minimum = ScreenLayout.minimumSize
            buffer.write("Terminal too small (\(size)); need \(minimum) or more.", row: 0, column: 0, style: theme.error)
            return buffer
        }
        StatusBarRenderer.draw(model, in: layout.statusBar, on: &buffer, theme: theme)
        BannerRenderer.draw(model, in: layout.banner, on: &buffer, theme: theme)
        CellBarRenderer.draw(model, in: layout.cellBar, on: &buffer, theme: theme)
        GridRenderer.draw(model, in: layout.grid, on: &buffer, theme: theme)
        UsersPanelRenderer.draw(model, in: layout.users, on: &buffer, theme: theme)
        HistoryPanelRenderer.draw(model, in: layout.history, on: &buffer, theme: theme)
        ModeLineRenderer.draw(model, in: layout.modeLine, on: &buffer, theme: theme)
        switch model.mode {
        case .conflict: DialogRenderer.drawConflict(model, on: &buffer, theme: theme)
        case .help(let scroll): DialogRenderer.drawHelp(scroll: scroll, on: &buffer, theme: theme)
        case .entry(let id, let scroll): DialogRenderer.drawEntry(model, id: id, scroll: scroll, on: &buffer, theme: theme)
        default: break
        }
        return buffer
    }
}
