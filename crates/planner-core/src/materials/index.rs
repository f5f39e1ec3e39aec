//! Integer-indexed view of the BOM, the materials and the demand plan, built once per run.
//!
//! Items are numbered: the materials first, in `materials.csv` order (item `i < n_materials` is
//! `materials[i]`), then the BOM parents that are not materials (finished skus).

use std::collections::HashMap;

use super::{Bom, Material, MaterialsError};
use crate::demand_plan::{z_two_sided, DemandPlan, SkuPlan};

/// Compressed rows: the neighbours of item `i` are `edges[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Default)]
pub(crate) struct Csr {
    offsets: Vec<usize>,
    edges: Vec<(u32, f64)>,
}

impl Csr {
    fn from_lists(lists: Vec<Vec<(u32, f64)>>) -> Self {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        offsets.push(0);
        let mut edges = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for l in lists {
            edges.extend(l);
            offsets.push(edges.len());
        }
        Self { offsets, edges }
    }

    pub(crate) fn of(&self, item: usize) -> &[(u32, f64)] {
        &self.edges[self.offsets[item]..self.offsets[item + 1]]
    }
}

/// One demand sku that the plan can use: its item and its monthly figures.
#[derive(Debug)]
pub(crate) struct SkuDemand<'a> {
    /// The sku's plan.
    pub(crate) plan: &'a SkuPlan,
    /// The item the sku's demand lands on.
    pub(crate) item: u32,
    /// Standard deviation per month (zero for a fixed plan), from the widest interval.
    pub(crate) sigma: Vec<f64>,
}

/// The integer-indexed problem.
#[derive(Debug)]
pub(crate) struct Index<'a> {
    /// Number of materials (items `0..n_materials`).
    pub(crate) n_materials: usize,
    /// Total number of items.
    pub(crate) n_items: usize,
    /// Components of each item with their quantity per unit.
    pub(crate) children: Csr,
    /// Parents of each item with the quantity per unit, parents in planning order.
    pub(crate) parents: Csr,
    /// Low-level code of each material (0 when the BOM does not name it).
    pub(crate) llc: Vec<u32>,
    /// The usable demand skus, in demand-plan order.
    pub(crate) skus: Vec<SkuDemand<'a>>,
    /// Demand skus with no BOM that are not materials either.
    pub(crate) skus_without_bom: Vec<String>,
}

impl<'a> Index<'a> {
    /// Indexes the inputs and checks them.
    ///
    /// # Errors
    /// [`MaterialsError::DuplicateMaterial`], [`MaterialsError::UnknownMaterial`] (a component
    /// missing from `materials.csv`) and [`MaterialsError::ShortForecast`].
    pub(crate) fn new(
        bom: &Bom,
        materials: &[Material],
        demand: &'a DemandPlan,
    ) -> Result<Self, MaterialsError> {
        let mut ids: HashMap<&str, u32> = HashMap::with_capacity(materials.len());
        for (i, m) in materials.iter().enumerate() {
            if ids.insert(m.material.as_str(), i as u32).is_some() {
                return Err(MaterialsError::DuplicateMaterial(m.material.clone()));
            }
        }
        let n_materials = materials.len();
        let order = bom.planning_order();
        // Finished items: BOM parents that are not materials.
        let mut next = n_materials as u32;
        for item in order {
            if !ids.contains_key(item.as_str()) {
                ids.insert(item.as_str(), next);
                next += 1;
            }
        }
        let n_items = next as usize;
        let mut llc = vec![0u32; n_materials];
        let mut children: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_items];
        let mut parents: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n_items];
        for item in order {
            let id = ids[item.as_str()];
            if (id as usize) < n_materials {
                llc[id as usize] = bom.low_level_code(item).unwrap_or(0);
            }
            for (kid, q) in bom.components(item) {
                let kid_id = ids[kid.as_str()];
                if kid_id as usize >= n_materials {
                    return Err(MaterialsError::UnknownMaterial {
                        material: kid.clone(),
                        parent: item.clone(),
                    });
                }
                children[id as usize].push((kid_id, *q));
                parents[kid_id as usize].push((id, *q));
            }
        }

        let horizon = demand.horizon;
        let mut z_cache: Vec<(f64, f64)> = Vec::new();
        let mut skus = Vec::with_capacity(demand.skus.len());
        let mut skus_without_bom = Vec::new();
        for s in &demand.skus {
            let short = |got: usize| MaterialsError::ShortForecast {
                sku: s.sku.clone(),
                got,
                need: horizon,
            };
            if s.forecast.point.len() < horizon {
                return Err(short(s.forecast.point.len()));
            }
            for i in &s.forecast.intervals {
                let got = i.lo.len().min(i.hi.len());
                if got < horizon {
                    return Err(short(got));
                }
            }
            let Some(&item) = ids.get(s.sku.as_str()) else {
                skus_without_bom.push(s.sku.clone());
                continue;
            };
            // The same formula as `SkuPlan::sigma`, with z computed once per level.
            let widest = s
                .forecast
                .intervals
                .iter()
                .max_by(|a, b| a.level.percent().total_cmp(&b.level.percent()));
            let sigma = match widest {
                Some(w) => {
                    let p = w.level.percent();
                    let z = match z_cache.iter().find(|(l, _)| *l == p) {
                        Some(&(_, z)) => z,
                        None => {
                            let z = z_two_sided(w.level);
                            z_cache.push((p, z));
                            z
                        }
                    };
                    (0..horizon)
                        .map(|t| ((w.hi[t] - w.lo[t]) / (2.0 * z)).max(0.0))
                        .collect()
                }
                None => vec![0.0; horizon],
            };
            skus.push(SkuDemand {
                plan: s,
                item,
                sigma,
            });
        }
        Ok(Self {
            n_materials,
            n_items,
            children: Csr::from_lists(children),
            parents: Csr::from_lists(parents),
            llc,
            skus,
            skus_without_bom,
        })
    }

    /// Every material reached from `item` through the BOM, with the units needed per unit of
    /// `item`, sorted by material; `item` itself is included (1 unit) when it is a material.
    pub(crate) fn explode(&self, item: u32, stack: &mut Vec<(u32, f64)>) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = Vec::new();
        stack.clear();
        stack.push((item, 1.0));
        while let Some((it, qty)) = stack.pop() {
            if (it as usize) < self.n_materials {
                out.push((it, qty));
            }
            for &(kid, q) in self.children.of(it as usize) {
                stack.push((kid, qty * q));
            }
        }
        // Stable sort keeps the depth-first order of equal materials: sums are reproducible.
        out.sort_by_key(|&(m, _)| m);
        out.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        out
    }
}
