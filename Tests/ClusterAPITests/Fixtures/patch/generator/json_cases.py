from common import write
J = "json"
dep = {"metadata": {"name": "web", "annotations": {"a/b": "x", "t~n": "v"}},
       "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "nginx:1"}]}}}}
write(J, "add-member", "add creates a missing member of an existing map",
      original={"spec": {"replicas": 1}}, patch=[{"op": "add", "path": "/spec/paused", "value": True}],
      expected={"spec": {"replicas": 1, "paused": True}})
write(J, "add-replaces-existing-member", "add on an existing member replaces it (RFC 6902 4.1)",
      original={"a": 1}, patch=[{"op": "add", "path": "/a", "value": {"b": 2}}], expected={"a": {"b": 2}})
write(J, "add-escaped-pointer", "~1 decodes to / and ~0 to ~ in pointer tokens",
      original={"metadata": {"annotations": {}}},
      patch=[{"op": "add", "path": "/metadata/annotations/example.com~1team", "value": "a"},
             {"op": "add", "path": "/metadata/annotations/tilde~0key", "value": "b"}],
      expected={"metadata": {"annotations": {"example.com/team": "a", "tilde~key": "b"}}})
write(J, "add-list-insert", "add at an index inserts before that element",
      original={"l": ["a", "c"]}, patch=[{"op": "add", "path": "/l/1", "value": "b"}], expected={"l": ["a", "b", "c"]})
write(J, "add-list-append-dash", "- appends; an index equal to the length appends too",
      original={"l": [1]}, patch=[{"op": "add", "path": "/l/-", "value": 2}, {"op": "add", "path": "/l/2", "value": 3}],
      expected={"l": [1, 2, 3]})
write(J, "add-root", "add at the empty pointer replaces the whole document",
      original={"a": 1}, patch=[{"op": "add", "path": "", "value": {"b": 2}}], expected={"b": 2})
write(J, "add-index-out-of-bounds", "an index past the end is refused",
      original={"l": [1]}, patch=[{"op": "add", "path": "/l/3", "value": 2}],
      error="error in add for path: '/l/3': Unable to access invalid index: 3", status=422)
write(J, "add-missing-parent", "add needs the parent to exist",
      original={"spec": {}}, patch=[{"op": "add", "path": "/spec/template/metadata", "value": {}}],
      error='add operation does not apply: doc is missing path: "/spec/template/metadata"', status=422)
write(J, "add-into-scalar", "a scalar has no members",
      original={"a": 1}, patch=[{"op": "add", "path": "/a/b", "value": 2}],
      error='add operation does not apply: doc is missing path: "/a/b"')
write(J, "remove-member", "remove deletes a member",
      original={"metadata": {"labels": {"a": "1", "b": "2"}}},
      patch=[{"op": "remove", "path": "/metadata/labels/a"}], expected={"metadata": {"labels": {"b": "2"}}})
write(J, "remove-list-item", "remove deletes a list element and shifts the rest",
      original={"l": ["a", "b", "c"]}, patch=[{"op": "remove", "path": "/l/0"}], expected={"l": ["b", "c"]})
write(J, "remove-negative-index", "evanphx/json-patch (as the API server uses it) counts negative indices from the end",
      original={"l": ["a", "b", "c"]}, patch=[{"op": "remove", "path": "/l/-1"}], expected={"l": ["a", "b"]})
write(J, "remove-missing-member", "removing a member that does not exist fails",
      original={"a": {}}, patch=[{"op": "remove", "path": "/a/b"}],
      error="error in remove for path: '/a/b': Unable to remove nonexistent key: b", status=422)
write(J, "remove-root", "the whole document cannot be removed",
      original={"a": 1}, patch=[{"op": "remove", "path": ""}], error="cannot remove the whole document")
write(J, "replace-member", "replace sets an existing member",
      original=dep, patch=[{"op": "replace", "path": "/spec/replicas", "value": 5}],
      expected={**dep, "spec": {**dep["spec"], "replicas": 5}})
write(J, "replace-missing-key", "replace needs the member to exist",
      original={"spec": {}}, patch=[{"op": "replace", "path": "/spec/replicas", "value": 5}],
      error="replace operation does not apply: doc is missing key: /spec/replicas", status=422)
write(J, "replace-list-element", "replace on a list index swaps the element",
      original={"l": [1, 2]}, patch=[{"op": "replace", "path": "/l/1", "value": 9}], expected={"l": [1, 9]})
write(J, "rollout-undo", "kubectl rollout undo sends two replace ops (template and annotations)",
      original=dep,
      patch=[{"op": "replace", "path": "/spec/template",
              "value": {"spec": {"containers": [{"name": "app", "image": "nginx:0"}]}}},
             {"op": "replace", "path": "/metadata/annotations", "value": {"deployment.kubernetes.io/revision": "3"}}],
      expected={"metadata": {"name": "web", "annotations": {"deployment.kubernetes.io/revision": "3"}},
                "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "nginx:0"}]}}}})
write(J, "move-member", "move removes from one place and adds at another",
      original={"a": {"x": 1}, "b": {}}, patch=[{"op": "move", "from": "/a/x", "path": "/b/z"}],
      expected={"a": {}, "b": {"z": 1}})
write(J, "move-list-element", "move within a list",
      original={"l": ["a", "b", "c"]}, patch=[{"op": "move", "from": "/l/0", "path": "/l/-"}],
      expected={"l": ["b", "c", "a"]})
write(J, "move-into-own-child", "a value cannot be moved into one of its own children",
      original={"a": {"b": {}}}, patch=[{"op": "move", "from": "/a", "path": "/a/b/c"}],
      error="move operation does not apply: from path /a is a prefix of path /a/b/c")
write(J, "move-missing-from", "move needs its source",
      original={"a": 1}, patch=[{"op": "move", "from": "/nope", "path": "/b"}],
      error='move operation does not apply: doc is missing from path: "/nope"')
write(J, "copy-member", "copy duplicates a value",
      original={"a": {"x": [1, 2]}}, patch=[{"op": "copy", "from": "/a/x", "path": "/b"}],
      expected={"a": {"x": [1, 2]}, "b": [1, 2]})
write(J, "copy-missing-from", "copy needs its source",
      original={}, patch=[{"op": "copy", "from": "/x", "path": "/y"}],
      error='copy operation does not apply: doc is missing from path: "/x"')
write(J, "test-int-equals-float", "test compares numbers by value: 2 equals 2.0",
      original={"spec": {"replicas": 2}},
      patch=[{"op": "test", "path": "/spec/replicas", "value": 2.0}, {"op": "replace", "path": "/spec/replicas", "value": 3}],
      expected={"spec": {"replicas": 3}})
write(J, "test-deep-equality", "test compares maps regardless of key order and lists in order",
      original={"a": {"x": [1, {"k": "v"}], "nil": None}},
      patch=[{"op": "test", "path": "/a", "value": {"nil": None, "x": [1, {"k": "v"}]}}],
      expected={"a": {"x": [1, {"k": "v"}], "nil": None}})
write(J, "test-failure", "a failed test aborts the whole patch",
      original={"metadata": {"resourceVersion": "7"}},
      patch=[{"op": "test", "path": "/metadata/resourceVersion", "value": "6"},
             {"op": "add", "path": "/x", "value": 1}],
      error="testing value /metadata/resourceVersion failed", status=422)
write(J, "test-list-order-matters", "lists must match element by element",
      original={"l": [1, 2]}, patch=[{"op": "test", "path": "/l", "value": [2, 1]}], error="testing value /l failed")
write(J, "test-missing-parent", "test on a path whose parent is missing",
      original={}, patch=[{"op": "test", "path": "/a/b", "value": 1}],
      error="test operation does not apply: is missing path: /a/b")
write(J, "test-missing-member-is-null", "evanphx compares a missing member as null",
      original={"a": {}}, patch=[{"op": "test", "path": "/a/b", "value": None}], expected={"a": {}})
write(J, "unknown-op", "an unknown op is refused by name",
      original={}, patch=[{"op": "frobnicate", "path": "/a"}], error="Unexpected kind: frobnicate", status=422)
write(J, "missing-op", "an operation without op is refused",
      original={}, patch=[{"path": "/a", "value": 1}], error="Unexpected kind: <missing>")
write(J, "missing-value", "add without a value is refused",
      original={}, patch=[{"op": "add", "path": "/a"}], error='add operation for path /a has no "value"')
write(J, "missing-path", "an operation without a path is refused",
      original={}, patch=[{"op": "remove"}], error="remove operation failed to decode path")
write(J, "bad-pointer", "a non-empty pointer must start with /",
      original={"a": 1}, patch=[{"op": "remove", "path": "a"}],
      error='remove operation has an invalid path "a": must be empty or start with "/"')
write(J, "bad-escape", "~ must be followed by 0 or 1",
      original={"a": 1}, patch=[{"op": "remove", "path": "/a~2"}], error='"~" must be followed by "0" or "1"')
write(J, "bad-index", "a list index must be a number",
      original={"l": [1]}, patch=[{"op": "replace", "path": "/l/x", "value": 1}],
      error="replace operation does not apply: doc is missing key: /l/x")
write(J, "not-a-list", "the patch must be a list of operations",
      original={}, patch={"op": "add"}, error="expected a list of operations, got a map", status=400)
write(J, "operation-not-a-map", "each operation must be a map",
      original={}, patch=["add"], error='operation "add" is not a map', status=400)
write(J, "empty-patch", "an empty patch changes nothing",
      original={"a": 1}, patch=[], expected={"a": 1})
write(J, "test-type-mismatch", "a string never equals a number",
      original={"spec": {"replicas": 1}}, patch=[{"op": "test", "path": "/spec/replicas", "value": "1"}],
      error="testing value /spec/replicas failed")
write(J, "replace-through-list", "pointers walk through lists by index",
      original={"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "w"}]}},
      patch=[{"op": "replace", "path": "/spec/containers/1/image", "value": "z"}],
      expected={"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "z"}]}})
write(J, "dash-only-for-add", "- (past the end) names no existing element for replace",
      original={"l": [1]}, patch=[{"op": "replace", "path": "/l/-", "value": 2}],
      error="replace operation does not apply: doc is missing key: /l/-")
write(J, "test-list-index-out-of-range", "a test past the end of a list fails even against null",
      original={"l": [1]}, patch=[{"op": "test", "path": "/l/5", "value": None}],
      error="error in test for path: '/l/5': Unable to access invalid index: 5")
