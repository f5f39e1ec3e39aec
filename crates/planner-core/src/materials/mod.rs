//! Materials: BOM explosion, the MRP record, safety stock and the pre-buy plan.

mod bom;
mod material;

pub use bom::{Bom, BomError, BomLine};
pub use material::Material;

/// Errors of material planning.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MaterialsError {
    /// The BOM names a material that `materials.csv` does not list.
    #[error("bom.csv names material {material:?} (in {parent}), which is not in materials.csv")]
    UnknownMaterial {
        /// The material.
        material: String,
        /// The item that uses it.
        parent: String,
    },
}
