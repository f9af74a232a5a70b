//! The encodings of a source file: UTF-8 (with or without a BOM), and
//! UTF-16 with a BOM, little- or big-endian (TypeScript compiles those too).
//! A UTF-16 file is decoded for analysis and encoded back, in the same byte
//! order and with its BOM, when it is written.

use std::borrow::Cow;

/// A UTF-16 byte order, known from the file's BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    Le,
    Be,
}

impl Utf16 {
    /// The byte order a file's first bytes announce, if they are a UTF-16 BOM.
    pub fn of(bytes: &[u8]) -> Option<Utf16> {
        match bytes {
            [0xFF, 0xFE, ..] => Some(Utf16::Le),
            [0xFE, 0xFF, ..] => Some(Utf16::Be),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Utf16::Le => "UTF-16LE",
            Utf16::Be => "UTF-16BE",
        }
    }

    /// `text` in this byte order (a leading U+FEFF becomes the BOM): the
    /// inverse of [`decode_utf16`], byte for byte.
    pub fn encode(self, text: &str) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| match self {
                Utf16::Le => u.to_le_bytes(),
                Utf16::Be => u.to_be_bytes(),
            })
            .collect()
    }
}

/// Why UTF-16 bytes do not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Utf16Error {
    /// An odd number of bytes: the last code unit is cut.
    OddLength,
    /// A surrogate without its pair, at this byte offset.
    Unpaired(usize),
}

impl std::fmt::Display for Utf16Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Utf16Error::OddLength => f.write_str("an odd number of bytes"),
            Utf16Error::Unpaired(at) => write!(f, "an unpaired surrogate at byte {at}"),
        }
    }
}

/// The text of UTF-16 `bytes` (BOM included, as U+FEFF, as a UTF-8 file's
/// BOM is kept), decoded with the standard library's UTF-16 decoder.
pub fn decode_utf16(bytes: &[u8], order: Utf16) -> Result<String, Utf16Error> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Utf16Error::OddLength);
    }
    let units = bytes.chunks_exact(2).map(|p| match order {
        Utf16::Le => u16::from_le_bytes([p[0], p[1]]),
        Utf16::Be => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut at = 0;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                at += 2 * c.len_utf16();
            }
            Err(_) => return Err(Utf16Error::Unpaired(at)),
        }
    }
    Ok(text)
}

/// The bytes the prefilter and the barrel test look at: a UTF-16 file
/// decoded (lossily: a bad unit cannot hide a name), anything else as it is.
pub fn scannable(bytes: &[u8]) -> Cow<'_, [u8]> {
    match Utf16::of(bytes) {
        None => Cow::Borrowed(bytes),
        Some(order) => {
            let units = bytes.chunks_exact(2).map(|p| match order {
                Utf16::Le => u16::from_le_bytes([p[0], p[1]]),
                Utf16::Be => u16::from_be_bytes([p[0], p[1]]),
            });
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            Cow::Owned(text.into_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, order: Utf16) -> Vec<u8> {
        order.encode(text)
    }

    #[test]
    fn both_byte_orders_decode_to_the_text() {
        for order in [Utf16::Le, Utf16::Be] {
            let text = "\u{feff}const a = 'é 𝄞';\r\n";
            let bytes = encode(text, order);
            assert_eq!(Utf16::of(&bytes), Some(order));
            assert_eq!(decode_utf16(&bytes, order).as_deref(), Ok(text));
            assert_eq!(&*scannable(&bytes), text.as_bytes());
            assert_eq!(order.encode(&decode_utf16(&bytes, order).unwrap()), bytes);
            assert_eq!(
                decode_utf16(&bytes[..bytes.len() - 1], order),
                Err(Utf16Error::OddLength)
            );
        }
        let mut bad = encode("\u{feff}ab", Utf16::Le);
        bad.extend([0x00, 0xD8]); // a lone high surrogate
        assert_eq!(decode_utf16(&bad, Utf16::Le), Err(Utf16Error::Unpaired(6)));
        assert_eq!(Utf16::of(b"\xEF\xBB\xBFa"), None);
    }
}
