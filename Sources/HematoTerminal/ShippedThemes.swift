/// The shipped themes' text, compiled in so that `--theme light` works from any folder with nothing
/// installed beside the binary. `Themes/*.theme` stay the readable copies (and the examples a user
/// starts from); ThemeTests checks that each text here equals its file byte for byte, so after
/// editing a theme file paste its text here. `dark` is `Theme.builtIn` itself and needs no text.
extension Theme {
    static let shippedText: [String: String] = [
        "light": #"""
            # For terminals with a light background.
            text      = default
            dim       = 244
            title     = 231 on 25 bold
            label     = 240
            value     = 16 bold
            bar       = 27
            bar_top   = 166
            bar_empty = 252
            person    = 28 bold
            file      = 94
            model     = 25
            warning   = 160 bold
            message   = 130
            hint      = 236 on 253
            hint_key  = 16 on 253 bold
            help      = 236 on 255
            help_key  = 166 on 255 bold

            """#,
        "high-contrast": #"""
            # Maximum contrast: pure black, white and saturated colours only.
            text      = bright-white
            dim       = white
            title     = black on bright-yellow bold
            label     = bright-white
            value     = bright-white bold
            bar       = bright-cyan
            bar_top   = bright-yellow bold
            bar_empty = white
            person    = bright-green bold
            file      = bright-yellow
            model     = bright-cyan bold
            warning   = bright-red bold
            message   = bright-yellow bold
            hint      = black on bright-white
            hint_key  = black on bright-white bold
            help      = black on bright-white
            help_key  = bright-red on bright-white bold

            """#,
        "monochrome": #"""
            # No colour: emphasis by attributes only (what NO_COLOR gives any theme).
            text      = default
            dim       = default dim
            title     = default reverse bold
            label     = default
            value     = default bold
            bar       = default
            bar_top   = default bold
            bar_empty = default dim
            person    = default bold
            file      = default
            model     = default
            warning   = default bold reverse
            message   = default bold
            hint      = default reverse
            hint_key  = default reverse bold
            help      = default reverse
            help_key  = default reverse bold

            """#,
    ]
}
