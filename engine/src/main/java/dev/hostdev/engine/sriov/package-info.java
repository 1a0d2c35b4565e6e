/** SR-IOV: a physical function's VF counts and its VFs, as {@code hostdev sriov} shows them. */
package dev.hostdev.engine.sriov;
