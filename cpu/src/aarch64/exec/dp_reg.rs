//! Data processing – register (DDI 0487 C4.1.89): shifted/extended add/sub and logical, add/sub
//! with carry, conditional compare and select, one- two- and three-source operations.
