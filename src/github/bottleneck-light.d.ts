// plugin-throttling imports Bottleneck's light build; importing the same file keeps one copy in dist.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
