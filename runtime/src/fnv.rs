//! FNV-1a (32-bit) of a string's UTF-8 bytes: a small hash that is the same on
//! every server, run and version (and in rtux.js), for picks that must stay put.

/// The FNV-1a hash of `s`.
pub(crate) fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}
