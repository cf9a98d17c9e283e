# Behaviour vectors from apimachinery's pkg/util/strategicpatch/patch_test.go (the server-side application
# of its two-way/three-way patches: current + patch -> result), restated as fixtures over MergeItem.
from common import write
S = "strategic"
K = "test.example/v1 MergeItem"

def up(name, description, original, patch, expected=None, error=None):
    fields = {"kind": K, "original": original, "patch": patch}
    if error is not None:
        fields["error"] = error
    else:
        fields["expected"] = expected
    write(S, "upstream-" + name, description + " (apimachinery patch_test.go)", **fields)

def ml(*names, **extra):
    return [{"name": n, **extra.get(str(n), {})} for n in names]

up("unique-scalars", "merging int lists keeps each scalar once",
   {"mergingIntList": [1, 2]}, {"mergingIntList": [2, 3]}, {"mergingIntList": [1, 2, 3]})
up("delete-nested-map", "$patch: delete in a nested map",
   {"simpleMap": {"key1": "1", "key2": "1"}}, {"simpleMap": {"$patch": "delete"}}, {"simpleMap": {}})
up("replace-list-with-nothing", "a lone $patch: replace element empties a merging list",
   {"mergingList": [{"name": 1}, {"name": 2}]}, {"mergingList": [{"$patch": "replace"}]}, {"mergingList": []})
up("merge-empty-lists", "merging two empty lists", {"mergingList": []}, {"mergingList": []}, {"mergingList": []})
up("replace-whole-map", "top-level $patch: replace drops every key",
   {"name": 1, "value": 1}, {"$patch": "replace"}, {})
up("replace-whole-map-with-key", "top-level $patch: replace keeps only the patch's keys",
   {"name": 1, "value": 1}, {"other": "a", "$patch": "replace"}, {"other": "a"})
up("delete-duplicates", "$patch: delete removes every element with the key",
   {"mergingList": [{"name": 1}, {"name": 1}, {"name": 2, "value": "a"}, {"name": 3}, {"name": 3}]},
   {"mergingList": [{"name": 1, "$patch": "delete"}, {"name": 3, "$patch": "delete"}]},
   {"mergingList": [{"name": 2, "value": "a"}]})
up("retain-keys-map-without-directive", "a retainKeys map merges normally without $retainKeys",
   {"retainKeysMap": {"name": "foo", "value": "a"}}, {"retainKeysMap": {"value": None}},
   {"retainKeysMap": {"name": "foo"}})
up("retain-keys-list-without-directive", "a merge,retainKeys list merges normally without $retainKeys",
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo"}]},
   {"retainKeysMergingList": [{"name": "foo", "value": "a"}]},
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "a"}]})
up("patch-order-full", "the patch's order wins when it names every element",
   {"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]},
   {"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}, {"name": 2, "other": "x"}]},
   {"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}, {"name": 2, "value": "b", "other": "x"}]})
up("patch-order-partial", "an untouched element keeps its lead over patched elements it preceded",
   {"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]},
   {"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}]},
   {"mergingList": [{"name": 2, "value": "b"}, {"name": 3, "value": "c"}, {"name": 1, "value": "a"}]})
up("int-list-order-partial", "the same for a list of ints",
   {"mergingIntList": [1, 2, 3]}, {"mergingIntList": [3, 1]}, {"mergingIntList": [2, 3, 1]})
up("set-order-names-missing-element", "$setElementOrder may name an element that exists nowhere",
   {"mergingList": [{"name": 1}, {"name": 3}]},
   {"$setElementOrder/mergingList": [{"name": 3}, {"name": 2}, {"name": 1}],
    "mergingList": [{"name": 3, "value": "3"}, {"name": 1, "value": "1"}]},
   {"mergingList": [{"name": 3, "value": "3"}, {"name": 1, "value": "1"}]})
up("set-order-int-list", "$setElementOrder alone reorders an int list",
   {"mergingIntList": [1, 3]}, {"$setElementOrder/mergingIntList": [3, 2, 1]}, {"mergingIntList": [3, 1]})
up("set-order-mismatch-int-list", "the patch list must follow $setElementOrder",
   {"mergingIntList": [1, 3, 2]},
   {"$setElementOrder/mergingIntList": [1, 2, 3], "mergingIntList": [3, 1]}, error="doesn't match")
up("missing-merge-key", "a merging-list element without its merge key",
   {"mergingList": [{"name": 1, "value": "a"}]}, {"mergingList": [{"value": "b"}]},
   error="does not contain declared merge key")
up("delete-from-primitive-list-absent-item", "deleting a scalar that is not there adds nothing",
   {"mergingIntList": [1, 2]}, {"$deleteFromPrimitiveList/mergingIntList": [3]}, {"mergingIntList": [1, 2]})
up("delete-from-primitive-list-null", "deleting from a null list leaves it null",
   {"mergingIntList": None}, {"$deleteFromPrimitiveList/mergingIntList": [3]}, {"mergingIntList": None})
up("delete-from-primitive-list-absent-field", "deleting from a missing list does not create it",
   {"foo": ["bar"]}, {"$deleteFromPrimitiveList/mergingIntList": [3]}, {"foo": ["bar"]})
up("delete-from-non-merging-list", "$deleteFromPrimitiveList also works on a list without merge strategy",
   {"nonMergingIntList": [1, 2, 3]}, {"$deleteFromPrimitiveList/nonMergingIntList": [2]}, {"nonMergingIntList": [1, 3]})
up("null-overwrites", "defined nulls delete, other fields overwrite",
   {"name": "a", "other": "a"}, {"name": 1, "value": 1, "other": None}, {"name": 1, "value": 1})
up("three-way-empty-list-delete", "a new element and a delete of a missing one, with $setElementOrder",
   {"name": "hi", "mergingList": [{"name": "hello2"}]},
   {"$setElementOrder/mergingList": [{"name": "hello"}, {"name": "doesntexist"}],
    "mergingList": [{"name": "hello"}, {"$patch": "delete", "name": "doesntexist"}]},
   {"name": "hi", "mergingList": [{"name": "hello"}, {"name": "hello2"}]})
up("three-way-delete-scalar-keep-server-only", "ordering plus a deletion on an int list with a server-only value",
   {"mergingIntList": [1, 2, 3, 4]},
   {"$setElementOrder/mergingIntList": [1, 2], "$deleteFromPrimitiveList/mergingIntList": [3]},
   {"mergingIntList": [1, 2, 4]})
up("three-way-delete-duplicate-scalars", "a deletion removes every copy",
   {"mergingIntList": [1, 2, 3, 3, 4]},
   {"$setElementOrder/mergingIntList": [1, 2], "$deleteFromPrimitiveList/mergingIntList": [3]},
   {"mergingIntList": [1, 2, 4]})
up("three-way-merge-lists-of-maps", "new elements placed by $setElementOrder around existing ones",
   {"mergingList": [{"name": 1, "other": "a"}, {"name": 2, "value": 2, "other": "b"}]},
   {"$setElementOrder/mergingList": [{"name": 4}, {"name": 1}, {"name": 2}, {"name": 3}],
    "mergingList": [{"name": 4, "value": 4}, {"name": 3, "value": 3}]},
   {"mergingList": [{"name": 4, "value": 4}, {"name": 1, "other": "a"}, {"name": 2, "value": 2, "other": "b"},
                    {"name": 3, "value": 3}]})
up("three-way-add-field-conflict", "a server-only element goes after the ordered ones it did not precede",
   {"mergingList": [{"name": 1, "other": "a"}, {"name": 3, "value": 2, "other": "b"}]},
   {"$setElementOrder/mergingList": [{"name": 1}, {"name": 2}],
    "mergingList": [{"name": 1, "value": 1}, {"name": 2, "value": 2}]},
   {"mergingList": [{"name": 1, "value": 1, "other": "a"}, {"name": 2, "value": 2},
                    {"name": 3, "value": 2, "other": "b"}]})
up("three-way-add-and-delete", "a deleted element's slot is refilled by the added one (in-place slice view)",
   {"mergingList": [{"name": 1}, {"name": 2, "other": "b"}, {"name": 4, "other": "c"}]},
   {"$setElementOrder/mergingList": [{"name": 2}, {"name": 3}],
    "mergingList": [{"name": 3}, {"name": 1, "$patch": "delete"}]},
   {"mergingList": [{"name": 2, "other": "b"}, {"name": 4, "other": "c"}, {"name": 3}]})
up("three-way-add-and-delete-conflict", "the same with the server holding an extra element",
   {"mergingList": [{"name": 1, "other": "a"}, {"name": 4, "other": "c"}]},
   {"$setElementOrder/mergingList": [{"name": 2}, {"name": 3}],
    "mergingList": [{"name": 2}, {"name": 3}, {"name": 1, "$patch": "delete"}]},
   {"mergingList": [{"name": 4, "other": "c"}, {"name": 2}, {"name": 3}]})
up("three-way-delete-missing-conflict", "deleting a missing element while adding another",
   {"mergingList": [{"name": 3, "other": "a"}]},
   {"$setElementOrder/mergingList": [{"name": 2}],
    "mergingList": [{"name": 2}, {"name": 1, "$patch": "delete"}]},
   {"mergingList": [{"name": 2}, {"name": 3, "other": "a"}]})
up("three-way-delete-map", "deleting an element and ordering the rest",
   {"mergingList": [{"name": 1}, {"name": 2, "other": "b"}]},
   {"$setElementOrder/mergingList": [{"name": 2}], "mergingList": [{"name": 1, "$patch": "delete"}]},
   {"mergingList": [{"name": 2, "other": "b"}]})
up("three-way-nested-non-merging-list", "a non-merging list inside a merging-list element is replaced",
   {"mergingList": [{"name": 1, "other": "a", "nonMergingList": [{"name": 1}, {"name": 2, "value": 2}]},
                    {"name": 2, "other": "b"}]},
   {"$setElementOrder/mergingList": [{"name": 1}, {"name": 2}],
    "mergingList": [{"name": 1, "nonMergingList": [{"name": 1, "value": 1}]}]},
   {"mergingList": [{"name": 1, "other": "a", "nonMergingList": [{"name": 1, "value": 1}]}, {"name": 2, "other": "b"}]})
up("three-way-retain-keys-list", "$retainKeys inside a merge,retainKeys list element clears other fields",
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "modified", "other": "x"}]},
   {"$setElementOrder/retainKeysMergingList": [{"name": "bar"}, {"name": "foo"}],
    "retainKeysMergingList": [{"$retainKeys": ["name", "value"], "name": "foo", "value": "new"}]},
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "new"}]})
up("three-way-retain-keys-delete-field", "$retainKeys with a null field",
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "a", "other": "x"}]},
   {"$setElementOrder/retainKeysMergingList": [{"name": "bar"}, {"name": "foo"}],
    "retainKeysMergingList": [{"$retainKeys": ["name"], "name": "foo", "value": None}]},
   {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo"}]})
up("raw-extension-replaced", "a patchStrategy replace field (RawExtension) is replaced, with a list merged beside it",
   {"name": "my-object", "mergingList": [{"name": 1}, {"name": 3}],
    "replacingItem": {"Some": "Generic", "Yaml": "Inside", "Field": "Period"}},
   {"$setElementOrder/mergingList": [{"name": 1}, {"name": 2}], "mergingList": [{"name": 2}],
    "replacingItem": {"Newly": "Modified", "Yaml": "Inside"}},
   {"name": "my-object", "mergingList": [{"name": 1}, {"name": 2}, {"name": 3}],
    "replacingItem": {"Newly": "Modified", "Yaml": "Inside"}})
up("unknown-field-nulls-filtered", "nulls inside added free-form maps (also in lists of maps) are dropped",
   {}, {"complex_nullable": [{"inner_one": {"key_one": "foo", "key_two": None}}], "complex": {"nested": None}},
   {"complex_nullable": [{"inner_one": {"key_one": "foo"}}], "complex": {}})
up("unknown-field-scalar-nulls-kept", "nulls as elements of a scalar list are kept",
   {}, {"complex_nullable": ["key1", None, "key2"]}, {"complex_nullable": ["key1", None, "key2"]})
up("null-in-original-preserved", "existing nulls in the object are left alone",
   {"complex": {"key": None}, "thing": None}, {"nested": {"value": 5}},
   {"complex": {"key": None}, "nested": {"value": 5}, "thing": None})
