//! The module's interface: the exports of every build (ABI 1.0 and 1.2) with their signatures, an
//! exported memory, and zero imports (STYLE 18).

use portcullis_host_tests::{compiled, Metering, EXPORTS, EXPORTS_GATEWAY_1_1};
use wasmtime::{ExternType, FuncType, ValType};

fn signature(ty: &FuncType) -> String {
    let list = |types: &mut dyn Iterator<Item = ValType>| types.map(|t| format!("{t}")).collect::<Vec<_>>().join(", ");
    format!("({}) -> {}", list(&mut ty.params()), list(&mut ty.results()))
}

#[test]
fn imports_nothing() {
    let (_, module) = compiled(Metering::Off);
    let imports: Vec<String> = module.imports().map(|i| format!("{}::{}", i.module(), i.name())).collect();
    assert!(imports.is_empty(), "the raw ABI module must import nothing, found {imports:?}");
}

#[test]
fn exports_every_function_of_every_build_with_its_signature() {
    let (_, module) = compiled(Metering::Off);
    for (name, expected) in EXPORTS {
        let export = module.get_export(name).unwrap_or_else(|| panic!("`{name}` is not exported"));
        let ExternType::Func(ty) = export else { panic!("`{name}` is not a function") };
        assert_eq!(signature(&ty), *expected, "signature of `{name}`");
    }
}

#[test]
fn exports_its_memory_and_nothing_outside_the_abi() {
    let (_, module) = compiled(Metering::Off);
    assert!(matches!(module.get_export("memory"), Some(ExternType::Memory(_))), "no exported memory");
    // The Rust toolchain's linker always exports these two globals; ABI.md
    // says they are not part of the ABI.
    let toolchain = ["memory", "__heap_base", "__data_end"];
    let extra: Vec<&str> = module
        .exports()
        .map(|e| e.name())
        .filter(|name| {
            !toolchain.contains(name) && !EXPORTS.iter().chain(EXPORTS_GATEWAY_1_1).any(|(abi, _)| abi == name)
        })
        .collect();
    assert!(extra.is_empty(), "exports outside ABI.md: {extra:?}");
    for export in module.exports() {
        if export.name().starts_with("pc_") {
            assert!(matches!(export.ty(), ExternType::Func(_)), "`{}` must be a function", export.name());
        }
    }
}

#[test]
fn abi_md_lists_exactly_these_exports() {
    let doc = std::fs::read_to_string(crate::repo().join("wasm/ABI.md")).unwrap();
    for (name, _) in EXPORTS {
        assert!(doc.contains(&format!("`{name}`")), "wasm/ABI.md does not document `{name}`");
    }
    let documented: Vec<&str> = doc
        .split('`')
        .filter(|word| word.starts_with("pc_") && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    for name in documented {
        assert!(
            EXPORTS.iter().chain(EXPORTS_GATEWAY_1_1).any(|(abi, _)| *abi == name),
            "wasm/ABI.md documents `{name}`, which is not exported"
        );
    }
}
