//! Typed `u32` indices for objects, types, kinds and strings.

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for indexing flat arrays.
            #[inline]
            pub fn idx(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// An object of a snapshot; object 0 is the synthetic root (heapy's `hp.Root`).
    ObjId
);
index_type!(
    /// A type in a snapshot's type table.
    TypeId
);
index_type!(
    /// An interned heapy kind (clodo label: a type label or `dict of X`).
    KindId
);
index_type!(
    /// A string in a snapshot's string table.
    StrId
);

impl ObjId {
    /// The synthetic root object every snapshot starts with.
    pub const ROOT: ObjId = ObjId(0);
}

/// Marker for "no such index" in the file format (`u32::MAX`).
pub const NONE: u32 = u32::MAX;
