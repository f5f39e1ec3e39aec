//! Bills of materials: multi-level, checked for cycles, with low-level codes.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::field::{key, positive, FieldError};

/// One row of `bom.csv`: `qty_per` units of `material` go into one unit of `parent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BomLine {
    /// The item built: a sku or a sub-assembly (column `sku`).
    pub parent: String,
    /// The component.
    pub material: String,
    /// Units of the component per unit of the parent.
    pub qty_per: f64,
}

impl BomLine {
    /// A BOM row.
    ///
    /// # Errors
    /// [`FieldError`] for a blank key, a `qty_per` that is not above zero, or an item that is its
    /// own component.
    pub fn new(parent: &str, material: &str, qty_per: f64) -> Result<Self, FieldError> {
        let parent = key("sku", parent)?;
        let material = key("material", material)?;
        if parent == material {
            return Err(FieldError::new(
                "material",
                format!("{material:?} is listed as a component of itself"),
            ));
        }
        Ok(Self {
            parent,
            material,
            qty_per: positive("qty_per", qty_per)?,
        })
    }
}

/// Errors of a bill of materials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BomError {
    /// The BOM loops back on itself; the path starts and ends with the same item.
    #[error("the bill of materials has a cycle: {}", .path.join(" -> "))]
    Cycle {
        /// The items forming the cycle, first item repeated at the end.
        path: Vec<String>,
    },
}

/// A multi-level bill of materials without cycles.
///
/// Each item's low-level code is the deepest level it appears at (finished skus are level 0, their
/// components level 1, and so on): MRP plans an item once, after every parent that uses it.
///
/// ```
/// use planner_core::materials::{Bom, BomLine};
/// let bom = Bom::new(vec![
///     BomLine::new("BOTTLE", "LID", 1.0)?,
///     BomLine::new("BOTTLE", "GASKET", 1.0)?,
///     BomLine::new("LID", "GASKET", 1.0)?,
/// ])?;
/// assert_eq!(bom.low_level_code("BOTTLE"), Some(0));
/// assert_eq!(bom.low_level_code("LID"), Some(1));
/// // The gasket is used at levels 1 and 2: it is planned at 2.
/// assert_eq!(bom.low_level_code("GASKET"), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<BomLine>", into = "Vec<BomLine>")]
pub struct Bom {
    lines: Vec<BomLine>,
    /// Components of each parent: (material, qty_per), in file order.
    children: HashMap<String, Vec<(String, f64)>>,
    /// Low-level code of every item named in the BOM.
    levels: HashMap<String, u32>,
    /// Items sorted by low-level code, then name: the order MRP plans them in.
    order: Vec<String>,
}

impl Bom {
    /// A BOM from its rows; rows of the same parent and material are added up.
    ///
    /// # Errors
    /// [`BomError::Cycle`] with the path of the first cycle found.
    pub fn new(lines: Vec<BomLine>) -> Result<Self, BomError> {
        let mut children: HashMap<String, Vec<(String, f64)>> = HashMap::new();
        for l in &lines {
            let kids = children.entry(l.parent.clone()).or_default();
            match kids.iter_mut().find(|(m, _)| *m == l.material) {
                Some((_, q)) => *q += l.qty_per,
                None => kids.push((l.material.clone(), l.qty_per)),
            }
        }
        // Depth-first search from every parent, in name order so the reported cycle is stable.
        let parents: BTreeMap<&str, ()> = children.keys().map(|k| (k.as_str(), ())).collect();
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let mut marks: HashMap<&str, Mark> = HashMap::new();
        for &root in parents.keys() {
            if marks.contains_key(root) {
                continue;
            }
            // Iterative DFS: stack of (item, next child index); `path` mirrors the stack.
            let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
            marks.insert(root, Mark::Open);
            while let Some((item, idx)) = stack.last_mut() {
                let kids = children.get(*item).map(Vec::as_slice).unwrap_or(&[]);
                if *idx < kids.len() {
                    let kid = kids[*idx].0.as_str();
                    *idx += 1;
                    match marks.get(kid) {
                        Some(Mark::Open) => {
                            let start = stack.iter().position(|(s, _)| *s == kid).unwrap_or(0);
                            let mut path: Vec<String> =
                                stack[start..].iter().map(|(s, _)| s.to_string()).collect();
                            path.push(kid.to_string());
                            return Err(BomError::Cycle { path });
                        }
                        Some(Mark::Done) => {}
                        None => {
                            marks.insert(kid, Mark::Open);
                            stack.push((kid, 0));
                        }
                    }
                } else {
                    marks.insert(item, Mark::Done);
                    stack.pop();
                }
            }
        }
        // Low-level codes: longest path from a top item, by relaxing in topological order.
        let mut indegree: HashMap<&str, usize> = HashMap::new();
        for (p, kids) in &children {
            indegree.entry(p.as_str()).or_insert(0);
            for (k, _) in kids {
                *indegree.entry(k.as_str()).or_insert(0) += 1;
            }
        }
        let mut ready: Vec<&str> = indegree
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(k, _)| *k)
            .collect();
        ready.sort_unstable();
        let mut levels: HashMap<String, u32> = HashMap::new();
        for r in &ready {
            levels.insert(r.to_string(), 0);
        }
        while let Some(item) = ready.pop() {
            let level = levels[item];
            for (k, _) in children.get(item).map(Vec::as_slice).unwrap_or(&[]) {
                let l = levels.entry(k.clone()).or_insert(0);
                *l = (*l).max(level + 1);
                let d = indegree.get_mut(k.as_str()).expect("counted");
                *d -= 1;
                if *d == 0 {
                    ready.push(k.as_str());
                }
            }
        }
        let mut order: Vec<String> = levels.keys().cloned().collect();
        order.sort_by(|a, b| levels[a].cmp(&levels[b]).then_with(|| a.cmp(b)));
        Ok(Self {
            lines,
            children,
            levels,
            order,
        })
    }

    /// Components of `item` with their quantity per unit; empty for a bought material.
    pub fn components(&self, item: &str) -> &[(String, f64)] {
        self.children.get(item).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The deepest level `item` is used at, `None` when the BOM does not name it.
    pub fn low_level_code(&self, item: &str) -> Option<u32> {
        self.levels.get(item).copied()
    }

    /// Every item the BOM names, parents before their components (by low-level code, then name).
    pub fn planning_order(&self) -> &[String] {
        &self.order
    }

    /// True when `item` has components of its own.
    pub fn is_parent(&self, item: &str) -> bool {
        self.children.contains_key(item)
    }

    /// The rows as given.
    pub fn lines(&self) -> &[BomLine] {
        &self.lines
    }

    /// Units of every bought or made item needed for one unit of `item`, through all levels.
    pub fn explode(&self, item: &str) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(item.to_string(), 1.0)];
        while let Some((it, qty)) = stack.pop() {
            for (k, q) in self.components(&it) {
                *out.entry(k.clone()).or_insert(0.0) += qty * q;
                stack.push((k.clone(), qty * q));
            }
        }
        out
    }
}

impl TryFrom<Vec<BomLine>> for Bom {
    type Error = BomError;
    fn try_from(lines: Vec<BomLine>) -> Result<Self, Self::Error> {
        Self::new(lines)
    }
}

impl From<Bom> for Vec<BomLine> {
    fn from(bom: Bom) -> Self {
        bom.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(p: &str, m: &str, q: f64) -> BomLine {
        BomLine::new(p, m, q).unwrap()
    }

    #[test]
    fn a_cycle_is_reported_with_its_path() {
        let err = Bom::new(vec![
            line("A", "B", 1.0),
            line("B", "C", 2.0),
            line("C", "A", 1.0),
            line("A", "X", 1.0),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the bill of materials has a cycle: A -> B -> C -> A"
        );
    }

    #[test]
    fn an_item_used_at_two_levels_is_planned_at_the_deeper() {
        let bom = Bom::new(vec![
            line("SKU", "SA", 1.0),
            line("SKU", "RESIN", 0.2),
            line("SA", "RESIN", 0.05),
            line("SA", "SCREW", 4.0),
            line("SKU", "SA", 1.0),
        ])
        .unwrap();
        assert_eq!(bom.low_level_code("SKU"), Some(0));
        assert_eq!(bom.low_level_code("SA"), Some(1));
        assert_eq!(bom.low_level_code("RESIN"), Some(2));
        assert_eq!(bom.planning_order(), ["SKU", "SA", "RESIN", "SCREW"]);
        // Duplicate rows add up: 2 sub-assemblies per SKU.
        let e = bom.explode("SKU");
        assert_eq!(e["SA"], 2.0);
        assert!((e["RESIN"] - (0.2 + 2.0 * 0.05)).abs() < 1e-12);
        assert_eq!(e["SCREW"], 8.0);
    }

    #[test]
    fn self_reference_is_a_field_error() {
        let e = BomLine::new("A", "A", 1.0).unwrap_err();
        assert_eq!(e.field, "material");
    }

    #[test]
    fn serde_round_trip_rebuilds_the_index() {
        let bom = Bom::new(vec![line("A", "B", 1.5), line("B", "C", 2.0)]).unwrap();
        let json = serde_json::to_string(&bom).unwrap();
        let back: Bom = serde_json::from_str(&json).unwrap();
        assert_eq!(back.explode("A")["C"], 3.0);
        assert_eq!(back, bom);
    }
}
