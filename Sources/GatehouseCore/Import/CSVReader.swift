/// RFC 4180 CSV on bytes: fields separated by commas, records by CRLF or LF, a field in double
/// quotes may hold commas, quotes (doubled) and line breaks. A UTF-8 byte order mark at the
/// start is skipped. Fields stay bytes: each row decides whether its own are valid UTF-8, so
/// one bad row does not sink the file.
///
/// What makes the file not CSV at all (`ImportFileError.notCSV`): a quote that never closes, or
/// text after a closing quote before the next comma or line break.
enum CSVReader {
    struct Record: Equatable {
        /// The line the record starts on (1-based, counting the header).
        var line: Int
        var fields: [[UInt8]]
    }

    static func records(_ bytes: [UInt8]) throws(ImportFileError) -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var records: [Record] = []
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var atFieldStart = true
        func endRecord() {
            fields.append(field)
            // A blank line (one empty field) is no record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = []
            atFieldStart = true
        }
        while index < bytes.count {
            let byte = bytes[index]
            if atFieldStart && byte == quote {
                // A quoted field: up to the closing quote, "" standing for one quote.
                index += 1
                let opened = line
                while true {
                    guard index < bytes.count else { throw .notCSV("the quote opened on line \(opened) is never closed") }
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count, bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if inner == lf { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard index == bytes.count || [comma, cr, lf].contains(bytes[index]) else {
                    throw .notCSV("line \(line) has text after a closing quote")
                }
                atFieldStart = false
                continue
            }
            atFieldStart = false
            switch byte {
            case comma:
                fields.append(field)
                field = []
                atFieldStart = true
                index += 1
            case cr where index + 1 < bytes.count && bytes[index + 1] == lf:
                index += 2
                endRecord()
                line += 1
                recordLine = line
            case lf:
                index += 1
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
                index += 1
            }
        }
        if !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }
}
