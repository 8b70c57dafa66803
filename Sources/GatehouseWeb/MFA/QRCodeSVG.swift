internal import CQRencode

/// A QR code (libqrencode) as the pieces of an inline SVG: the module grid's size and one path
/// of filled squares. The path is built here from the bit matrix and holds only `M h v z`,
/// digits and `-`, so it goes through the template's normal escaped `{{…}}` (no raw HTML), and
/// the picture needs no script, style or external image (the CSP stays as it is).
struct QRCodeSVG: Sendable, Equatable {
    /// Modules per side, quiet zone included (the SVG's viewBox).
    let size: Int
    /// `M x,y h n v1 h-n z` per run of dark modules in a row.
    let path: String

    /// Modules of light border around the symbol (ISO/IEC 18004 asks for 4).
    static let quietZone = 4

    /// Encodes `text` as 8-bit data with error-correction level M; nil if it does not fit.
    init?(encoding text: String) {
        // libqrencode is thread-safe as Debian builds it (with pthreads) and does no I/O.
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard width > 0, let data = code.pointee.data else { return nil }
        var dark = [Bool](repeating: false, count: width * width)
        for index in 0..<(width * width) {
            dark[index] = data[index] & 1 == 1
        }
        self.init(width: width, dark: dark)
    }

    /// The path for a square matrix of `width` × `width` modules (row by row).
    init(width: Int, dark: [Bool]) {
        let offset = Self.quietZone
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard dark[y * width + x] else { x += 1; continue }
                let start = x
                while x < width && dark[y * width + x] { x += 1 }
                let run = x - start
                path += "M\(start + offset),\(y + offset)h\(run)v1h-\(run)z"
            }
        }
        self.size = width + 2 * offset
        self.path = path
    }
}
