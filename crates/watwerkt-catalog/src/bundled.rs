//! The published catalogue pages shipped inside the binary, so a new data directory shows real
//! content without flags or network. The files are `data/seeds/` of the repository.

/// (file name, contents) of each bundled page, in import order.
pub const BUNDLED_PAGES: &[(&str, &[u8])] = &[
    (
        "000_6046be73679af2b7.txt",
        include_bytes!("../../../data/seeds/000_6046be73679af2b7.txt"),
    ),
    (
        "001_4cf2a7037aa6f8f4.txt",
        include_bytes!("../../../data/seeds/001_4cf2a7037aa6f8f4.txt"),
    ),
    (
        "002_5b1078680e4a9db5.txt",
        include_bytes!("../../../data/seeds/002_5b1078680e4a9db5.txt"),
    ),
    (
        "003_60737992d20c5313.txt",
        include_bytes!("../../../data/seeds/003_60737992d20c5313.txt"),
    ),
    (
        "004_7680278512fda591.txt",
        include_bytes!("../../../data/seeds/004_7680278512fda591.txt"),
    ),
];
